"""The typed scene description every layer shares (glTF 2.0 concepts, decoded).

Objects are frozen dataclasses that point at each other by index, as in glTF, so an
``Asset`` is a plain value: no GL ids, no Qt objects, no file handles. Arrays are numpy
and read-only; where the file's bytes allow it they are views into them, not copies.
Units and axes follow :mod:`twinstage.model.conventions` (metres, +Y up, seconds,
quaternions ``(x, y, z, w)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from twinstage.model.transform import trs_matrix

if TYPE_CHECKING:
    from twinstage.model.vrm import VrmAnimation, VrmInfo

Array = NDArray[Any]
AlphaMode = Literal["OPAQUE", "MASK", "BLEND"]
Path = Literal["translation", "rotation", "scale", "weights"]
Interpolation = Literal["STEP", "LINEAR", "CUBICSPLINE"]

# Primitive modes (glTF 2.0 section 3.7.2.1).
POINTS, LINES, LINE_LOOP, LINE_STRIP, TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN = range(7)


@dataclass(frozen=True, slots=True)
class Sampler:
    """Texture sampler: GL filter and wrap enums (``None`` filter = renderer's choice)."""

    mag_filter: int | None = None
    min_filter: int | None = None
    wrap_s: int = 10497
    wrap_t: int = 10497
    name: str = ""


@dataclass(frozen=True, slots=True)
class TextureTransform:
    """KHR_texture_transform: ``uv' = T(offset) · R(-rotation) · S(scale) · uv``."""

    offset: tuple[float, float] = (0.0, 0.0)
    rotation: float = 0.0
    scale: tuple[float, float] = (1.0, 1.0)
    tex_coord: int | None = None

    def matrix(self) -> NDArray[np.float64]:
        """``(3, 3)`` matrix acting on ``(u, v, 1)`` column vectors."""
        c, s = np.cos(self.rotation), np.sin(self.rotation)
        t = np.array([[1, 0, self.offset[0]], [0, 1, self.offset[1]], [0, 0, 1]], float)
        r = np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]], float)
        sc = np.diag([self.scale[0], self.scale[1], 1.0])
        out: NDArray[np.float64] = t @ r @ sc
        return out


@dataclass(frozen=True, slots=True)
class TextureRef:
    """A material's use of a texture (``textureInfo``).

    ``scale`` is the normal-map scale or the occlusion strength (1 elsewhere).
    """

    texture: int
    tex_coord: int = 0
    scale: float = 1.0
    transform: TextureTransform | None = None


@dataclass(frozen=True, slots=True)
class Material:
    """Metallic-roughness material with the extensions TwinStage renders."""

    name: str = ""
    base_color_factor: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    base_color_texture: TextureRef | None = None
    metallic_factor: float = 1.0
    roughness_factor: float = 1.0
    metallic_roughness_texture: TextureRef | None = None
    normal_texture: TextureRef | None = None
    occlusion_texture: TextureRef | None = None
    emissive_texture: TextureRef | None = None
    emissive_factor: tuple[float, float, float] = (0.0, 0.0, 0.0)
    emissive_strength: float = 1.0
    alpha_mode: AlphaMode = "OPAQUE"
    alpha_cutoff: float = 0.5
    double_sided: bool = False
    unlit: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Texture:
    """An image with a sampler; ``source`` is ``None`` when only an unsupported
    extension (KTX2, WebP) provides the image."""

    source: int | None
    sampler: Sampler
    name: str = ""


class Image:
    """An encoded image (PNG or JPEG) whose size was read from its header at load time.

    Pixels are decoded on first use of :attr:`pixels` (Pillow, imported lazily), so
    loading a model does not pay for textures nobody draws.
    """

    __slots__ = ("__dict__", "data", "height", "mime_type", "name", "uri", "width")

    def __init__(self, name: str, mime_type: str, uri: str | None, width: int, height: int,
                 data: bytes | memoryview) -> None:
        self.name = name
        self.mime_type = mime_type
        self.uri = uri
        self.width = width
        self.height = height
        self.data = data

    def __repr__(self) -> str:
        return f"Image({self.name!r}, {self.mime_type}, {self.width}x{self.height})"

    @cached_property
    def pixels(self) -> NDArray[np.uint8]:
        """``(height, width, 4)`` uint8 RGBA, top row first, read-only."""
        from twinstage.model.images import decode_rgba

        return decode_rgba(self.data, self.width, self.height)


@dataclass(frozen=True, slots=True)
class Primitive:
    """Geometry drawn with one material.

    ``attributes`` maps glTF semantics (``POSITION``, ``NORMAL``, ``TEXCOORD_0``,
    ``JOINTS_0``...) to ``(N, C)`` arrays: float32 for everything but ``JOINTS_n``
    (uint8/uint16). ``indices`` is ``(K,)`` uint8/16/32 or ``None``. ``targets`` holds
    the morph targets' displacement arrays, keyed like ``attributes``.
    """

    attributes: dict[str, Array]
    indices: Array | None = None
    mode: int = TRIANGLES
    material: int | None = None
    targets: tuple[dict[str, Array], ...] = ()

    @property
    def vertex_count(self) -> int:
        """Number of vertices (the POSITION count; 0 without positions)."""
        pos = self.attributes.get("POSITION")
        return 0 if pos is None else int(pos.shape[0])

    @property
    def element_count(self) -> int:
        """Number of indices drawn (vertex count when not indexed)."""
        return self.vertex_count if self.indices is None else int(self.indices.shape[0])

    @property
    def triangle_count(self) -> int:
        """Triangles this primitive draws, strips and fans included."""
        n = self.element_count
        if self.mode == TRIANGLES:
            return n // 3
        if self.mode in (TRIANGLE_STRIP, TRIANGLE_FAN):
            return max(n - 2, 0)
        return 0


@dataclass(frozen=True, slots=True)
class Mesh:
    """Primitives sharing morph targets; ``weights`` are the default morph weights."""

    primitives: tuple[Primitive, ...]
    weights: tuple[float, ...] = ()
    target_names: tuple[str, ...] = ()
    name: str = ""

    @property
    def target_count(self) -> int:
        """Number of morph targets (equal on every primitive)."""
        return len(self.primitives[0].targets) if self.primitives else 0


@dataclass(frozen=True, slots=True)
class Skin:
    """Joints and their inverse bind matrices ``(J, 4, 4)`` float64 (``M @ v`` form)."""

    joints: tuple[int, ...]
    inverse_bind_matrices: NDArray[np.float64]
    skeleton: int | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Camera:
    """A glTF camera. Perspective: ``yfov`` radians, ``aspect`` may be ``None``,
    ``zfar`` ``None`` means infinite. Orthographic: ``xmag``/``ymag`` half extents."""

    type: Literal["perspective", "orthographic"]
    znear: float
    zfar: float | None
    yfov: float = 0.0
    aspect: float | None = None
    xmag: float = 0.0
    ymag: float = 0.0
    name: str = ""


@dataclass(frozen=True, slots=True)
class Light:
    """KHR_lights_punctual light; cone angles in radians; ``range`` ``None`` = infinite."""

    type: Literal["directional", "point", "spot"]
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    intensity: float = 1.0
    range: float | None = None
    inner_cone_angle: float = 0.0
    outer_cone_angle: float = float(np.pi / 4)
    name: str = ""


@dataclass(frozen=True, slots=True)
class Node:
    """A scene-graph node. The local transform is ``matrix`` when the file gave one,
    else T·R·S; ``parent`` is derived from the other nodes' ``children``."""

    name: str = ""
    children: tuple[int, ...] = ()
    parent: int | None = None
    mesh: int | None = None
    skin: int | None = None
    camera: int | None = None
    light: int | None = None
    translation: tuple[float, float, float] = (0.0, 0.0, 0.0)
    rotation: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    matrix: NDArray[np.float64] | None = None
    weights: tuple[float, ...] | None = None

    def local_matrix(self) -> NDArray[np.float64]:
        """``(4, 4)`` local transform."""
        if self.matrix is not None:
            return self.matrix.copy()
        return trs_matrix(self.translation, self.rotation, self.scale)


@dataclass(frozen=True, slots=True)
class AnimationSampler:
    """Key times ``input`` ``(N,)`` float32 seconds and ``output`` values ``(N, C)``
    (``(3N, C)`` for CUBICSPLINE: in-tangent, value, out-tangent per key), float32."""

    input: NDArray[np.float32]
    output: NDArray[np.float32]
    interpolation: Interpolation = "LINEAR"


@dataclass(frozen=True, slots=True)
class Channel:
    """Animates ``path`` of ``node`` with sampler ``sampler`` of the same animation."""

    sampler: int
    node: int
    path: Path


@dataclass(frozen=True, slots=True)
class Animation:
    """A keyframe clip; ``duration`` is the last key time over its samplers, seconds."""

    channels: tuple[Channel, ...]
    samplers: tuple[AnimationSampler, ...]
    name: str = ""

    @property
    def duration(self) -> float:
        """Seconds from 0 to the last key of any sampler."""
        return max((float(s.input[-1]) for s in self.samplers), default=0.0)


@dataclass(frozen=True, slots=True)
class Scene:
    """Root nodes of one scene."""

    nodes: tuple[int, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class LoadWarning:
    """A recoverable problem found while loading: where (JSON pointer) and what."""

    pointer: str
    message: str


Format = Literal["gltf", "glb", "vrm", "vrma"]


@dataclass(frozen=True, slots=True)
class Asset:
    """Everything one glTF / GLB / VRM / VRMA file holds, decoded."""

    path: str
    format: Format
    generator: str = ""
    version: str = "2.0"
    copyright: str = ""
    scenes: tuple[Scene, ...] = ()
    scene: int | None = None
    nodes: tuple[Node, ...] = ()
    meshes: tuple[Mesh, ...] = ()
    materials: tuple[Material, ...] = ()
    textures: tuple[Texture, ...] = ()
    images: tuple[Image, ...] = ()
    skins: tuple[Skin, ...] = ()
    cameras: tuple[Camera, ...] = ()
    lights: tuple[Light, ...] = ()
    animations: tuple[Animation, ...] = ()
    extensions_used: tuple[str, ...] = ()
    extensions_required: tuple[str, ...] = ()
    vrm: VrmInfo | None = None
    vrma: VrmAnimation | None = None
    warnings: tuple[LoadWarning, ...] = ()

    @property
    def root_nodes(self) -> tuple[int, ...]:
        """Roots of the default scene, or of every parentless node when there is none."""
        if self.scene is not None:
            return self.scenes[self.scene].nodes
        return tuple(i for i, n in enumerate(self.nodes) if n.parent is None)

    def find_animation(self, key: int | str) -> int:
        """Index of the animation numbered or named ``key``; ``KeyError`` if none."""
        if isinstance(key, int):
            if 0 <= key < len(self.animations):
                return key
            raise KeyError(f"animation {key} does not exist (the file has {len(self.animations)})")
        for i, a in enumerate(self.animations):
            if a.name == key:
                return i
        if key.isdigit():
            return self.find_animation(int(key))
        names = ", ".join(repr(a.name) for a in self.animations) or "none"
        raise KeyError(f"no animation named {key!r} (animations: {names})")
