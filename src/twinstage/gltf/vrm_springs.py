"""Read VRM spring bones: ``VRMC_springBone`` (1.0) and ``secondaryAnimation`` (0.x).

Both give the same three tuples of :mod:`twinstage.model.vrm` dataclasses: colliders,
collider groups (indices into the colliders) and spring chains (joints with
indices into the groups). A ``VRMC_springBone_extended_collider`` shape replaces a
1.0 collider's basic one. 0.x bone groups become 1.0 chains as UniVRM migrates them
(one chain per branch under each root, with a virtual tail), and their Unity-axis
vectors are read as glTF ones (:func:`twinstage.model.conventions.unity_to_gltf`).

Errors: broken structure, bad indices, a node hierarchy that is not a tree under a
0.x root. Warnings: a spring without joints, a joint that does not descend from the
previous one, springs that share joints.
"""

from __future__ import annotations

from twinstage.gltf.document import JsonObject, Reader, child
from twinstage.gltf.vrm_common import VrmDoc, objects, unity_vec3, vec3
from twinstage.model.vrm import Spring, SpringCollider, SpringColliderGroup, SpringJoint, Vec3

__all__ = ["read_springs_0", "read_springs_1"]

_Springs = tuple[tuple[SpringCollider, ...], tuple[SpringColliderGroup, ...], tuple[Spring, ...]]
"""Colliders, collider groups and spring chains, as ``VrmInfo`` keeps them."""


def _indices(r: Reader, o: JsonObject, key: str, p: str, count: int, what: str
             ) -> tuple[int, ...]:
    """Optional array member ``key`` of indices into a list of ``count`` ``what``s."""
    items = r.get_list(o, key, p, [])
    return tuple(r.index(v, child(child(p, key), i), count, what) for i, v in enumerate(items))


def read_springs_1(d: VrmDoc, o: JsonObject, p: str) -> _Springs:
    """``VRMC_springBone``: colliders, collider groups and joint chains."""
    r = d.r
    colliders = tuple(_collider_1(d, c, cp) for c, cp in objects(r, o, "colliders", p))
    groups = tuple(
        SpringColliderGroup(r.get_str(g, "name", gp, ""),
                            _indices(r, g, "colliders", gp, len(colliders), "collider"))
        for g, gp in objects(r, o, "colliderGroups", p))
    springs: list[Spring] = []
    for s, sp in objects(r, o, "springs", p):
        joints = tuple(_joint_1(d, j, jp) for j, jp in objects(r, s, "joints", sp))
        if not joints:
            r.warn(sp, "spring without joints ignored")
            continue
        _check_chain(d, joints, child(sp, "joints"))
        springs.append(Spring(r.get_str(s, "name", sp, ""), joints,
                              _indices(r, s, "colliderGroups", sp, len(groups), "collider group"),
                              d.opt_ref(s, "center", sp, "node")))
    _check_shared_joints(r, springs, child(p, "springs"))
    return colliders, groups, tuple(springs)


def _collider_1(d: VrmDoc, o: JsonObject, p: str) -> SpringCollider:
    """A collider; a ``VRMC_springBone_extended_collider`` shape replaces the basic one."""
    r = d.r
    node = d.ref(o, "node", p, "node")
    ep = child(p, "extensions")
    extended = r.get_obj(r.get_obj(o, "extensions", p, {}), "VRMC_springBone_extended_collider",
                         ep, None)
    if extended is not None:
        xp = child(ep, "VRMC_springBone_extended_collider")
        return _shape(r, node, r.get_obj(extended, "shape", xp), child(xp, "shape"), True)
    return _shape(r, node, r.get_obj(o, "shape", p), child(p, "shape"), False)


def _shape(r: Reader, node: int, o: JsonObject, p: str, extended: bool) -> SpringCollider:
    kinds = ("sphere", "capsule", "plane") if extended else ("sphere", "capsule")
    present = [k for k in kinds if k in o]
    if len(present) != 1:
        r.fail(p, f"expected exactly one of {', '.join(kinds)}, got {len(present)}")
    kind = present[0]
    kp = child(p, kind)
    s = r.get_obj(o, kind, p)
    offset = vec3(r, s, "offset", kp, (0.0, 0.0, 0.0))
    if kind == "plane":
        return SpringCollider(node, "plane", offset, 0.0,
                              normal=vec3(r, s, "normal", kp, (0.0, 0.0, 1.0)))
    return SpringCollider(
        node, "sphere" if kind == "sphere" else "capsule", offset,
        r.get_num(s, "radius", kp, 0.0, minimum=0.0),
        tail=vec3(r, s, "tail", kp, (0.0, 0.0, 0.0)) if kind == "capsule" else None,
        inside=r.get_bool(s, "inside", kp, False) if extended else False)


def _joint_1(d: VrmDoc, o: JsonObject, p: str) -> SpringJoint:
    r = d.r
    return SpringJoint(
        node=d.ref(o, "node", p, "node"),
        hit_radius=r.get_num(o, "hitRadius", p, 0.0, minimum=0.0),
        stiffness=r.get_num(o, "stiffness", p, 1.0, minimum=0.0),
        gravity_power=r.get_num(o, "gravityPower", p, 0.0, minimum=0.0),
        gravity_dir=vec3(r, o, "gravityDir", p, (0.0, -1.0, 0.0)),
        drag_force=r.get_num(o, "dragForce", p, 0.5, minimum=0.0, maximum=1.0),
    )


def _check_chain(d: VrmDoc, joints: tuple[SpringJoint, ...], p: str) -> None:
    """Each joint must be an ancestor of the next (warning otherwise)."""
    for i in range(1, len(joints)):
        a, b = joints[i - 1].node, joints[i].node
        if not d.is_ancestor(a, b):
            d.r.warn(child(child(p, i), "node"), f"node {b} is not a descendant of node {a}")


def _check_shared_joints(r: Reader, springs: list[Spring], p: str) -> None:
    owner: dict[int, int] = {}
    for i, spring in enumerate(springs):
        for joint in spring.joints:
            first = owner.setdefault(joint.node, i)
            if first != i:
                r.warn(child(p, i), f"node {joint.node} is a joint of springs {first} and {i}")


_ZERO: Vec3 = (0.0, 0.0, 0.0)
_VRM0_TAIL = 0.07
"""VRM 0.x swings a chain's last node with a virtual tail this long (metres)."""


def read_springs_0(d: VrmDoc, o: JsonObject, p: str) -> _Springs:
    """``secondaryAnimation``: sphere collider groups and bone groups, as 1.0 chains.

    Each bone group root yields its chain of first children plus one chain per other
    child, so every descendant is a joint (as three-vrm and UniVRM simulate it).
    """
    r = d.r
    colliders: list[SpringCollider] = []
    groups: list[SpringColliderGroup] = []
    for g, gp in objects(r, o, "colliderGroups", p):
        node = d.ref(g, "node", gp, "node")
        first = len(colliders)
        colliders += [SpringCollider(node, "sphere", unity_vec3(r, c, "offset", cp, _ZERO),
                                     r.get_num(c, "radius", cp, 0.0, minimum=0.0))
                      for c, cp in objects(r, g, "colliders", gp)]
        groups.append(SpringColliderGroup("", tuple(range(first, len(colliders)))))
    springs: list[Spring] = []
    for b, bp in objects(r, o, "boneGroups", p):
        springs += _bone_group_0(d, b, bp, len(groups))
    _check_shared_joints(r, springs, child(p, "boneGroups"))
    return tuple(colliders), tuple(groups), tuple(springs)


def _bone_group_0(d: VrmDoc, o: JsonObject, p: str, group_count: int) -> list[Spring]:
    r = d.r
    stiffness_key = "stiffiness" if "stiffiness" in o or "stiffness" not in o else "stiffness"
    settings = dict(
        hit_radius=r.get_num(o, "hitRadius", p, 0.02, minimum=0.0),
        stiffness=r.get_num(o, stiffness_key, p, 1.0, minimum=0.0),
        gravity_power=r.get_num(o, "gravityPower", p, 0.0, minimum=0.0),
        drag_force=r.get_num(o, "dragForce", p, 0.4, minimum=0.0, maximum=1.0),
    )
    gravity_dir = unity_vec3(r, o, "gravityDir", p, (0.0, -1.0, 0.0))
    center: int = r.get_int(o, "center", p, -1, minimum=-1)
    collider_groups = _indices(r, o, "colliderGroups", p, group_count, "collider group")
    springs = []
    bones_p = child(p, "bones")
    for i, root in enumerate(r.get_list(o, "bones", p, [])):
        node = d.ref_value(root, child(bones_p, i), "node")
        for chain in _chains(d, node):
            joints = tuple(SpringJoint(n, gravity_dir=gravity_dir, **settings) for n in chain)
            springs.append(Spring(
                r.get_str(o, "comment", p, ""), joints, collider_groups,
                None if center == -1 else d.ref_value(center, child(p, "center"), "node"),
                tail_extension=_VRM0_TAIL))
    return springs


def _chains(d: VrmDoc, root: int) -> list[list[int]]:
    """Split the subtree under ``root`` into chains that follow each node's first child."""
    chains: list[list[int]] = []
    seen: set[int] = set()
    starts = [root]
    while starts:
        chain, node = [], starts.pop(0)
        while True:
            if node in seen:
                d.r.fail(f"/nodes/{node}", "node is reached twice: the hierarchy is not a tree")
            seen.add(node)
            chain.append(node)
            kids = d.children(node)
            if not kids:
                break
            starts += kids[1:]
            node = kids[0]
        chains.append(chain)
    return chains

