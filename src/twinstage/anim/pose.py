"""Poses of a loaded asset: local transforms from rest values and animation
channels, world matrices from the node hierarchy (glTF 2.0 sections 3.5.3, 3.11).

``world = parent world × local`` where ``local = T·R·S`` (or the node's matrix).
World matrices are computed level by level of the hierarchy, each level in one
batched matrix product, so cost grows with depth, not node count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from twinstage.anim.sampling import sample
from twinstage.model.scene import Asset
from twinstage.model.transform import trs_matrix

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Pose:
    """Where every node of an asset is at one instant.

    Attributes
    ----------
    translation, rotation, scale : (N, 3), (N, 4), (N, 3) float64
        Local TRS per node (rotation ``(x, y, z, w)``).
    local : (N, 4, 4) float64
        Local matrices (a node's own ``matrix`` where it has one).
    world : (N, 4, 4) float64
        World matrices, ``M @ v`` form.
    weights : dict[int, (K,) float64]
        Morph weights of each node that has a mesh with targets.
    """

    translation: F64
    rotation: F64
    scale: F64
    local: F64
    world: F64
    weights: dict[int, F64]


def rest_trs(asset: Asset) -> tuple[F64, F64, F64]:
    """Rest translation ``(N, 3)``, rotation ``(N, 4)`` and scale ``(N, 3)`` of all nodes."""
    n = len(asset.nodes)
    t = np.array([node.translation for node in asset.nodes], np.float64).reshape(n, 3)
    r = np.array([node.rotation for node in asset.nodes], np.float64).reshape(n, 4)
    s = np.array([node.scale for node in asset.nodes], np.float64).reshape(n, 3)
    return t, r, s


def rest_weights(asset: Asset) -> dict[int, F64]:
    """Default morph weights per node: the node's, else its mesh's."""
    out: dict[int, F64] = {}
    for i, node in enumerate(asset.nodes):
        if node.mesh is not None and asset.meshes[node.mesh].target_count:
            w = node.weights if node.weights is not None else asset.meshes[node.mesh].weights
            out[i] = np.array(w, np.float64)
    return out


def hierarchy_levels(asset: Asset) -> list[tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """Nodes grouped by depth: a list of ``(nodes, parents)`` index arrays, roots first
    (roots' parents are ``-1``)."""
    parent = np.array([-1 if n.parent is None else n.parent for n in asset.nodes], np.intp)
    depth = np.zeros(len(parent), np.intp)
    for i in range(len(parent)):
        d, j = 0, parent[i]
        while j >= 0:
            d, j = d + 1, parent[j]
        depth[i] = d
    return [(np.flatnonzero(depth == d), parent[depth == d])
            for d in range(int(depth.max(initial=-1)) + 1)]


def world_matrices(asset: Asset, local: F64) -> F64:
    """``(N, 4, 4)`` world matrices from local matrices ``(N, 4, 4)``."""
    world = np.empty_like(local)
    for nodes, parents in hierarchy_levels(asset):
        if parents[0] < 0:
            world[nodes] = local[nodes]
        else:
            world[nodes] = world[parents] @ local[nodes]
    return world


def evaluate(asset: Asset, time: float, animation: int | None = None) -> Pose:
    """The pose of ``asset`` at ``time`` seconds of animation ``animation``
    (``None``: the rest pose). Times outside the clip clamp to its ends."""
    t, r, s = rest_trs(asset)
    weights = rest_weights(asset)
    if animation is not None:
        clip = asset.animations[animation]
        for ch in clip.channels:
            smp = clip.samplers[ch.sampler]
            value = sample(smp.input, smp.output, smp.interpolation, time,
                           rotation=ch.path == "rotation")
            if ch.path == "translation":
                t[ch.node] = value
            elif ch.path == "rotation":
                r[ch.node] = value
            elif ch.path == "scale":
                s[ch.node] = value
            else:
                weights[ch.node] = value
    local = trs_matrix(t, r, s)
    for i, node in enumerate(asset.nodes):
        if node.matrix is not None:
            local[i] = node.matrix
    return Pose(t, r, s, local, world_matrices(asset, local), weights)
