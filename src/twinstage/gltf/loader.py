"""glTF 2.0 → :class:`twinstage.model.Asset`: parse, validate, build.

One memoised ``load_x(index)`` per glTF concept, each checking what it reads and
naming the JSON pointer of anything wrong. In ``collect`` mode (``twinstage
validate``) a failing object is recorded and loading goes on with the next one, so
every independent problem is reported at once; in the default mode the first
problem raises.

Loading checks everything that could make TwinStage read out of range or draw
wrongly; ``validate`` also checks the advisory ``min``/``max`` of float accessors
(TwinStage computes bounds itself, so a wrong declared float bound harms nothing).
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from twinstage.errors import AssetError, GltfError
from twinstage.gltf.document import JsonObject, child
from twinstage.gltf.extensions import check_extensions
from twinstage.gltf.materials import MaterialLoader
from twinstage.model.conventions import matrix_from_gltf
from twinstage.model.keyframes import check_keys, times_valid, values_finite
from twinstage.model.scene import (
    Animation,
    AnimationSampler,
    Asset,
    Camera,
    Channel,
    Format,
    Light,
    Mesh,
    Node,
    Primitive,
    Scene,
    Skin,
)
from twinstage.model.transform import quat_normalize

T = TypeVar("T")
_FLOAT_ATTRS = ("POSITION", "NORMAL", "TANGENT", "TEXCOORD_", "COLOR_", "WEIGHTS_")
_ATTR_TYPES = {"POSITION": ("VEC3",), "NORMAL": ("VEC3",), "TANGENT": ("VEC4",),
               "TEXCOORD_": ("VEC2",), "COLOR_": ("VEC3", "VEC4"), "JOINTS_": ("VEC4",),
               "WEIGHTS_": ("VEC4",)}
_PATH_SIZES = {"translation": 3, "rotation": 4, "scale": 3}


class GltfLoader(MaterialLoader):
    """Builds an :class:`Asset` from a parsed :class:`Container` (see :class:`LoaderBase`
    for the parameters); one memoised ``load_x(index)`` per glTF concept."""

    # -- meshes ------------------------------------------------------------------
    def load_mesh(self, index: int) -> Mesh:
        """Mesh ``index`` with its primitives and morph targets (section 3.7.2)."""
        return self.memo("mesh", index, self._load_mesh)

    def _load_mesh(self, index: int) -> Mesh:
        m, p = self.item("meshes", index)
        prims_json = self.r.get_list(m, "primitives", p, min_len=1)
        prims = tuple(self._load_primitive(self.r.obj(pj, child(child(p, "primitives"), k)),
                                           child(child(p, "primitives"), k))
                      for k, pj in enumerate(prims_json))
        n_targets = len(prims[0].targets)
        for k, prim in enumerate(prims[1:], start=1):
            if len(prim.targets) != n_targets:
                self.r.fail(child(child(child(p, "primitives"), k), "targets"),
                            f"has {len(prim.targets)} morph targets but primitive 0 has "
                            f"{n_targets}; all primitives of a mesh must have the same number")
        weights = tuple(self.r.num(w, child(child(p, "weights"), i))
                        for i, w in enumerate(self.r.get_list(m, "weights", p, [])))
        if weights and len(weights) != n_targets:
            self.r.fail(child(p, "weights"),
                        f"has {len(weights)} weights for {n_targets} morph targets")
        names = self._target_names(m, p, n_targets)
        return Mesh(prims, weights or (0.0,) * n_targets, names,
                    self.r.get_str(m, "name", p, ""))

    def _target_names(self, m: JsonObject, p: str, n: int) -> tuple[str, ...]:
        extras = m.get("extras")
        names = extras.get("targetNames") if isinstance(extras, dict) else None
        if isinstance(names, list) and len(names) == n and all(isinstance(s, str) for s in names):
            return tuple(names)
        if names is not None:
            self.r.warn(child(child(p, "extras"), "targetNames"),
                        f"ignored: expected {n} strings")
        return ()

    def _load_primitive(self, pj: JsonObject, p: str) -> Primitive:
        attrs_json = self.r.get_obj(pj, "attributes", p)
        attrs = self._load_attributes(attrs_json, child(p, "attributes"))
        count = next(iter(attrs.values())).shape[0] if attrs else 0
        mode = self.r.get_int(pj, "mode", p, 4, maximum=6)
        indices = None
        if "indices" in pj:
            indices, _ = self.accessor_ref(pj, "indices", p, ("SCALAR",), (5121, 5123, 5125))
            if indices.size and "POSITION" in attrs and int(indices.max()) >= count:
                self.r.fail(child(p, "indices"), f"index {int(indices.max())} is out of range "
                                                 f"for {count} vertices")
        material = self.r.get_index(pj, "material", p, len(self.items("materials")), "material",
                                    None)
        targets = []
        for t, tj in enumerate(self.r.get_list(pj, "targets", p, [])):
            tp = child(child(p, "targets"), t)
            target = self._load_attributes(self.r.obj(tj, tp), tp, morph=True)
            for sem, arr in target.items():
                if arr.shape[0] != count:
                    self.r.fail(child(tp, sem), f"has {arr.shape[0]} elements, the primitive "
                                                f"has {count} vertices")
            targets.append(target)
        return Primitive(attrs, indices, mode, material, tuple(targets))

    def _load_attributes(self, aj: JsonObject, p: str, *, morph: bool = False
                         ) -> dict[str, NDArray[Any]]:
        out: dict[str, NDArray[Any]] = {}
        count = None
        for sem in aj:
            prefix = next((k for k in _ATTR_TYPES if sem == k or (k.endswith("_") and
                                                                  sem.startswith(k))), None)
            types = _ATTR_TYPES.get(prefix or "")
            if morph and prefix in ("POSITION", "NORMAL", "TANGENT"):
                types = ("VEC3",)
            arr, info = self.accessor_ref(aj, sem, p, types)
            if prefix == "JOINTS_" and info.component_type not in (5121, 5123):
                self.r.fail(child(p, sem), "JOINTS must be unsigned byte or short")
            if prefix is not None and prefix != "JOINTS_" and arr.dtype != np.float32:
                arr = arr.astype(np.float32)
                arr.setflags(write=False)
            if count is not None and arr.shape[0] != count:
                self.r.fail(child(p, sem), f"has {arr.shape[0]} elements, other attributes "
                                           f"have {count}")
            count = arr.shape[0]
            out[sem] = arr
        return out

    # -- nodes, skins, scenes ----------------------------------------------------
    def parents(self) -> list[int | None]:
        """Parent of each node; checks child indices, double parents and cycles."""
        return self.memo("parents", 0, self._parents)

    def _parents(self, _: int) -> list[int | None]:
        nodes = self.items("nodes")
        parent: list[int | None] = [None] * len(nodes)
        for i in range(len(nodes)):
            n, p = self.item("nodes", i)
            for k, c in enumerate(self.r.get_list(n, "children", p, [])):
                cp = child(child(p, "children"), k)
                c = self.r.index(c, cp, len(nodes), "node")
                if parent[c] is not None or c == i:
                    self.r.fail(cp, f"node {c} already has parent {parent[c] if c != i else i}; "
                                    "a node may have one parent")
                parent[c] = i
        rooted = [False] * len(nodes)  # reaches a root by following parents
        for i in range(len(nodes)):
            path: list[int] = []
            j: int | None = i
            while j is not None and not rooted[j]:
                if j in path:
                    self.r.fail(f"/nodes/{i}", f"node {i} is its own ancestor (a cycle)")
                path.append(j)
                j = parent[j]
            for k in path:
                rooted[k] = True
        return parent

    def load_node(self, index: int) -> Node:
        """Node ``index`` with its local transform (section 3.5)."""
        return self.memo("node", index, self._load_node)

    def _load_node(self, index: int) -> Node:
        n, p = self.item("nodes", index)
        parent = self.parents()[index]
        mesh = self.r.get_index(n, "mesh", p, len(self.items("meshes")), "mesh", None)
        skin = self.r.get_index(n, "skin", p, len(self.items("skins")), "skin", None)
        if skin is not None and mesh is None:
            self.r.fail(child(p, "skin"), "a node with a skin must have a mesh")
        camera = self.r.get_index(n, "camera", p, len(self.items("cameras")), "camera", None)
        light = self._node_light(n, p)
        matrix = None
        if "matrix" in n:
            if any(k in n for k in ("translation", "rotation", "scale")):
                self.r.fail(p, "a node may have a matrix or translation/rotation/scale, not both")
            matrix = matrix_from_gltf(self.r.get_floats(n, "matrix", p, 16))
            matrix.setflags(write=False)
        t = self.r.get_floats(n, "translation", p, 3, (0.0, 0.0, 0.0))
        r = self.r.get_floats(n, "rotation", p, 4, (0.0, 0.0, 0.0, 1.0))
        s = self.r.get_floats(n, "scale", p, 3, (1.0, 1.0, 1.0))
        if abs(sum(v * v for v in r) - 1.0) > 1e-3:
            self.r.warn(child(p, "rotation"), "rotation is not a unit quaternion; normalised")
            r = tuple(float(v) for v in quat_normalize(r))
        weights = self.r.get_list(n, "weights", p, None)
        if weights is not None:
            weights = tuple(self.r.num(w, child(child(p, "weights"), i))
                            for i, w in enumerate(weights))
        if mesh is not None:
            m = self.load_mesh(mesh)
            if weights is not None and len(weights) != m.target_count:
                self.r.fail(child(p, "weights"), f"has {len(weights)} weights, mesh {mesh} has "
                                                 f"{m.target_count} morph targets")
            if skin is not None:
                self._check_joint_indices(m, len(self.load_skin(skin).joints), p)
        children = tuple(int(c) for c in self.r.get_list(n, "children", p, []))
        return Node(self.r.get_str(n, "name", p, ""), children, parent, mesh, skin, camera,
                    light, t, r, s, matrix, weights)

    def _check_joint_indices(self, mesh: Mesh, n_joints: int, p: str) -> None:
        for prim in mesh.primitives:
            for sem, arr in prim.attributes.items():
                if sem.startswith("JOINTS_") and arr.size and int(arr.max()) >= n_joints:
                    self.r.fail(child(p, "skin"), f"mesh uses joint {int(arr.max())} in {sem} "
                                                  f"but the skin has {n_joints} joints")

    def _node_light(self, n: JsonObject, p: str) -> int | None:
        ext = n.get("extensions")
        if not isinstance(ext, dict) or "KHR_lights_punctual" not in ext:
            return None
        ep = child(child(p, "extensions"), "KHR_lights_punctual")
        lp = self.r.obj(ext["KHR_lights_punctual"], ep)
        return self.r.get_index(lp, "light", ep, len(self._lights_json()), "light")  # type: ignore[no-any-return]

    def load_skin(self, index: int) -> Skin:
        """Skin ``index``: joints and inverse bind matrices (section 3.7.3)."""
        return self.memo("skin", index, self._load_skin)

    def _load_skin(self, index: int) -> Skin:
        s, p = self.item("skins", index)
        n_nodes = len(self.items("nodes"))
        joints_json = self.r.get_list(s, "joints", p, min_len=1)
        joints = tuple(self.r.index(j, child(child(p, "joints"), k), n_nodes, "node")
                       for k, j in enumerate(joints_json))
        if len(set(joints)) != len(joints):
            self.r.fail(child(p, "joints"), "a joint is listed twice")
        if "inverseBindMatrices" in s:
            ibm, _ = self.accessor_ref(s, "inverseBindMatrices", p, ("MAT4",), (5126,))
            if ibm.shape[0] < len(joints):
                self.r.fail(child(p, "inverseBindMatrices"),
                            f"has {ibm.shape[0]} matrices for {len(joints)} joints")
            mats = ibm[: len(joints)].reshape(-1, 4, 4).transpose(0, 2, 1).astype(np.float64)
        else:
            mats = np.tile(np.eye(4), (len(joints), 1, 1))
        mats.setflags(write=False)
        skeleton = self.r.get_index(s, "skeleton", p, n_nodes, "node", None)
        return Skin(joints, mats, skeleton, self.r.get_str(s, "name", p, ""))

    def load_scene(self, index: int) -> Scene:
        """Scene ``index``; its nodes must be roots (section 3.5.1)."""
        return self.memo("scene", index, self._load_scene)

    def _load_scene(self, index: int) -> Scene:
        s, p = self.item("scenes", index)
        n_nodes, parents = len(self.items("nodes")), self.parents()
        roots = []
        for k, v in enumerate(self.r.get_list(s, "nodes", p, [])):
            i = self.r.index(v, child(child(p, "nodes"), k), n_nodes, "node")
            if parents[i] is not None:
                self.r.fail(child(child(p, "nodes"), k), f"node {i} is not a root node")
            roots.append(i)
        return Scene(tuple(roots), self.r.get_str(s, "name", p, ""))

    # -- cameras and lights --------------------------------------------------------
    def load_camera(self, index: int) -> Camera:
        """Camera ``index`` (section 3.10)."""
        return self.memo("camera", index, self._load_camera)

    def _load_camera(self, index: int) -> Camera:
        c, p = self.item("cameras", index)
        kind = self.r.get_str(c, "type", p, choices=("perspective", "orthographic"))
        q = child(p, kind)
        o = self.r.get_obj(c, kind, p)
        name = self.r.get_str(c, "name", p, "")
        znear = self.r.get_num(o, "znear", q, minimum=0.0)
        if kind == "perspective":
            zfar = self.r.get_num(o, "zfar", q, None, minimum=0.0)
            if znear <= 0 or (zfar is not None and zfar <= znear):
                self.r.fail(q, f"needs 0 < znear < zfar (znear {znear}, zfar {zfar})")
            yfov = self.r.get_num(o, "yfov", q, minimum=0.0, maximum=float(np.pi))
            if yfov <= 0:
                self.r.fail(child(q, "yfov"), "yfov must be positive")
            aspect = self.r.get_num(o, "aspectRatio", q, None, minimum=0.0)
            return Camera("perspective", znear, zfar, yfov=yfov, aspect=aspect or None,
                          name=name)
        zfar = self.r.get_num(o, "zfar", q, minimum=0.0)
        if zfar <= znear:
            self.r.fail(q, f"needs znear < zfar (znear {znear}, zfar {zfar})")
        return Camera("orthographic", znear, zfar, xmag=self.r.get_num(o, "xmag", q),
                      ymag=self.r.get_num(o, "ymag", q), name=name)

    def _lights_json(self) -> list[Any]:
        ext = self.doc.get("extensions")
        if not isinstance(ext, dict) or "KHR_lights_punctual" not in ext:
            return []
        lp = self.r.obj(ext["KHR_lights_punctual"], "/extensions/KHR_lights_punctual")
        return self.r.get_list(lp, "lights", "/extensions/KHR_lights_punctual", [])  # type: ignore[no-any-return]

    def load_light(self, index: int) -> Light:
        """KHR_lights_punctual light ``index``."""
        return self.memo("light", index, self._load_light)

    def _load_light(self, index: int) -> Light:
        p = f"/extensions/KHR_lights_punctual/lights/{index}"
        lj = self.r.obj(self._lights_json()[index], p)
        kind = self.r.get_str(lj, "type", p, choices=("directional", "point", "spot"))
        color = self.r.get_floats(lj, "color", p, 3, (1.0, 1.0, 1.0))
        intensity = self.r.get_num(lj, "intensity", p, 1.0, minimum=0.0)
        rng = self.r.get_num(lj, "range", p, None, minimum=0.0)
        inner, outer = 0.0, float(np.pi / 4)
        if kind == "spot":
            sp = child(p, "spot")
            spot = self.r.get_obj(lj, "spot", p)
            inner = self.r.get_num(spot, "innerConeAngle", sp, 0.0, minimum=0.0)
            outer = self.r.get_num(spot, "outerConeAngle", sp, outer, maximum=float(np.pi / 2))
            if not inner < outer:
                self.r.fail(sp, f"innerConeAngle {inner} must be less than outerConeAngle {outer}")
        return Light(kind, color, intensity, rng or None, inner, outer,
                     self.r.get_str(lj, "name", p, ""))

    # -- animations ----------------------------------------------------------------
    def load_animation(self, index: int) -> Animation:
        """Animation ``index`` with checked samplers (section 3.11)."""
        return self.memo("animation", index, self._load_animation)

    def _load_animation(self, index: int) -> Animation:
        a, p = self.item("animations", index)
        sp_json = self.r.get_list(a, "samplers", p, min_len=1)
        samplers = []
        for k, sj in enumerate(sp_json):
            sp = child(child(p, "samplers"), k)
            sj = self.r.obj(sj, sp)
            times, _ = self.accessor_ref(sj, "input", sp, ("SCALAR",), (5126,))
            values, _ = self.accessor_ref(sj, "output", sp)
            interp = self.r.get_str(sj, "interpolation", sp, "LINEAR",
                                    choices=("STEP", "LINEAR", "CUBICSPLINE"))
            values2d = values.reshape(values.shape[0], -1)
            if values2d.dtype != np.float32:
                values2d = values2d.astype(np.float32)
                values2d.setflags(write=False)
            samplers.append(AnimationSampler(times, values2d, interp))
        channels = []
        checked: set[int] = set()
        for k, cj in enumerate(self.r.get_list(a, "channels", p, min_len=1)):
            cp = child(child(p, "channels"), k)
            ch = self._load_channel(self.r.obj(cj, cp), cp, samplers, checked)
            if ch is not None:
                channels.append(ch)
        return Animation(tuple(channels), tuple(samplers), self.r.get_str(a, "name", p, ""))

    def _times_valid(self, times: NDArray[Any]) -> bool:
        """:func:`times_valid`, once per distinct key-time array (samplers share them)."""
        key = ("keyTimes", id(times))
        if key not in self._memo:
            self._memo[key] = (times, times_valid(times))
        return self._memo[key][1]  # type: ignore[no-any-return]

    def _load_channel(self, cj: JsonObject, cp: str, samplers: list[AnimationSampler],
                      checked: set[int]) -> Channel | None:
        k = self.r.get_index(cj, "sampler", cp, len(samplers), "sampler")
        tp = child(cp, "target")
        target = self.r.get_obj(cj, "target", cp)
        path = self.r.get_str(target, "path", tp)
        if path not in ("translation", "rotation", "scale", "weights"):
            if "extensions" in target:
                self.r.warn(child(tp, "path"), f"path {path!r} (an extension's) is ignored")
                return None
            self.r.fail(child(tp, "path"), f"{path!r} is not translation, rotation, scale "
                                            "or weights")
        if "node" not in target:
            self.r.warn(tp, "channel has no target node and is ignored")
            return None
        node = self.r.get_index(target, "node", tp, len(self.items("nodes")), "node")
        if path != "weights" and "matrix" in self.item("nodes", node)[0]:
            self.r.fail(child(tp, "node"), f"node {node} has a matrix, so its {path} cannot "
                                           "be animated")
        s = samplers[k]
        if path == "weights":
            mesh = self.load_node(node).mesh
            width = self.load_mesh(mesh).target_count if mesh is not None else 0
            if width == 0:
                self.r.fail(child(tp, "node"), f"node {node} has no morph targets to animate")
        else:
            width = _PATH_SIZES[path]
        keys = len(s.input) * (3 if s.interpolation == "CUBICSPLINE" else 1)
        if s.output.size != keys * width:
            self.r.fail(child(cp, "sampler"), f"sampler output has {s.output.size} values, "
                                              f"expected {keys * width} ({len(s.input)} keys × "
                                              f"{width} for {path})")
        values = s.output.reshape(keys, width)
        if k not in checked:
            if not (self._times_valid(s.input) and values_finite(values)):
                try:
                    check_keys(s.input, values, s.interpolation, file=str(self.path),
                               where=child(cp, "sampler"))
                except AssetError as exc:
                    raise GltfError(self.path, exc.where, exc.what) from None
            checked.add(k)
        if values.shape != s.output.shape:
            samplers[k] = AnimationSampler(s.input, values, s.interpolation)
        return Channel(k, node, path)

    # -- the whole asset ------------------------------------------------------------
    def load(self, fmt: Format) -> Asset:
        """Load everything; raise the first problem (or all, in collect mode)."""
        r = self.r
        asset_json = r.get_obj(self.doc, "asset", "")
        version = r.get_str(asset_json, "version", "/asset")
        if not version.startswith("2."):
            r.fail("/asset/version", f"glTF version {version!r} is not supported (only 2.x)")
        used, required = check_extensions(self.doc, r, fmt)
        parts = self._load_parts()
        vrm, vrma = self._load_vrm(fmt)
        if self.errors:
            raise self.errors[0]
        scene = r.get_index(self.doc, "scene", "", len(parts["scenes"]), "scene", None)
        if scene is None and parts["scenes"]:
            scene = 0
        return Asset(
            path=str(self.path), format=fmt,
            generator=r.get_str(asset_json, "generator", "/asset", ""), version=version,
            copyright=r.get_str(asset_json, "copyright", "/asset", ""),
            scene=scene, extensions_used=used, extensions_required=required,
            vrm=vrm, vrma=vrma, warnings=tuple(self.warnings), **parts,
        )

    def _load_parts(self) -> dict[str, Any]:
        each = self.each
        each("buffers", self.load_buffer)  # unused buffers and accessors are checked too
        each("bufferViews", self.load_buffer_view)
        each("accessors", self.load_accessor)
        parts: dict[str, Any] = {
            "images": each("images", self.load_image),
            "textures": each("textures", self.load_texture),
            "materials": each("materials", self.load_material),
            "meshes": each("meshes", self.load_mesh),
            "skins": each("skins", self.load_skin),
            "cameras": each("cameras", self.load_camera),
            "nodes": each("nodes", self.load_node),
            "scenes": each("scenes", self.load_scene),
            "animations": each("animations", self.load_animation),
        }
        lights = []
        for i in range(len(self._lights_json())):
            try:
                lights.append(self.load_light(i))
            except GltfError as exc:
                if not self.collect:
                    raise
                self.errors.append(exc)
        parts["lights"] = tuple(lights)
        return parts

    def _load_vrm(self, fmt: Format) -> tuple[Any, Any]:
        from twinstage.gltf.vrm import parse_vrm, parse_vrma

        try:
            vrm = parse_vrm(self.doc, self.r)
            vrma = parse_vrma(self.doc, self.r)
        except GltfError as exc:
            if not self.collect:
                raise
            self.errors.append(exc)
            return None, None
        if fmt == "vrm" and vrm is None:
            self.r.fail("/extensions", "a .vrm file needs a VRM (0.x) or VRMC_vrm (1.0) extension")
        if fmt == "vrma" and vrma is None:
            self.r.fail("/extensions", "a .vrma file needs a VRMC_vrm_animation extension")
        return vrm, vrma
