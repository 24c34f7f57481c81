"""Materials, textures, samplers and images (glTF 2.0 sections 3.8 and 3.9).

Part of the loader's class chain: :class:`LoaderBase` → :class:`MaterialLoader` →
:class:`twinstage.gltf.loader.GltfLoader`. Images are checked from their
headers (format, size limits) at load time and decoded lazily; see
:mod:`twinstage.model.images`.
"""

from __future__ import annotations

from typing import Any

from twinstage.gltf.base import LoaderBase
from twinstage.gltf.document import JsonObject, child
from twinstage.gltf.io import read_uri
from twinstage.model.images import ImageDataError, probe
from twinstage.model.scene import Image, Material, Sampler, Texture, TextureRef, TextureTransform

_FILTERS = (9728, 9729, 9984, 9985, 9986, 9987)
_WRAPS = (33071, 33648, 10497)
_UNDECODED_MIME = ("image/webp", "image/ktx2", "image/vnd-ms.dds")


class MaterialLoader(LoaderBase):
    """``load_image`` / ``load_texture`` / ``load_material`` on top of the buffers."""

    def load_image(self, index: int) -> Image:
        """Image ``index``: bytes from a URI or a bufferView, header checked."""
        return self.memo("image", index, self._load_image)

    def _load_image(self, index: int) -> Image:
        im, p = self.item("images", index)
        mime = self.r.get_str(im, "mimeType", p, None)
        uri = self.r.get_str(im, "uri", p, None)
        if uri is not None:
            if "bufferView" in im:
                self.r.fail(p, "an image may have a uri or a bufferView, not both")
            data, data_mime = read_uri(self.path, uri, child(p, "uri"), self.folder)
            mime = mime or data_mime
            where = child(p, "uri")
        else:
            bv = self.r.get_index(im, "bufferView", p, len(self.items("bufferViews")),
                                  "bufferView")
            if mime is None:
                self.r.fail(p, "an image in a bufferView needs a mimeType")
            data = self.load_buffer_view(bv).data  # type: ignore[assignment]
            where = child(p, "bufferView")
        name = self.r.get_str(im, "name", p, "")
        try:
            sniffed, width, height = probe(data)
        except ImageDataError as exc:
            if mime in _UNDECODED_MIME:
                self.r.warn(p, f"{mime} images are not supported; the image is left out")
                return Image(name, mime, uri, 0, 0, b"")
            self.r.fail(where, str(exc))
        if mime is not None and mime != sniffed:
            self.r.warn(child(p, "mimeType"), f"says {mime} but the data is {sniffed}")
        return Image(name, sniffed, uri, width, height, data)

    def load_sampler(self, index: int) -> Sampler:
        """Texture sampler ``index``."""
        return self.memo("sampler", index, self._load_sampler)

    def _load_sampler(self, index: int) -> Sampler:
        s, p = self.item("samplers", index)
        mag = self.r.get_int(s, "magFilter", p, None)
        mn = self.r.get_int(s, "minFilter", p, None)
        ws = self.r.get_int(s, "wrapS", p, 10497)
        wt = self.r.get_int(s, "wrapT", p, 10497)
        for key, v, ok in (("magFilter", mag, _FILTERS[:2]), ("minFilter", mn, _FILTERS),
                           ("wrapS", ws, _WRAPS), ("wrapT", wt, _WRAPS)):
            if v is not None and v not in ok:
                self.r.fail(child(p, key), f"{v} is not one of {list(ok)}")
        return Sampler(mag, mn, ws, wt, self.r.get_str(s, "name", p, ""))

    def load_texture(self, index: int) -> Texture:
        """Texture ``index`` (image + sampler)."""
        return self.memo("texture", index, self._load_texture)

    def _load_texture(self, index: int) -> Texture:
        t, p = self.item("textures", index)
        source = self.r.get_index(t, "source", p, len(self.items("images")), "image", None)
        if source is None:
            self.r.warn(p, "texture has no PNG/JPEG source (only an extension's); not drawn")
        sampler_i = self.r.get_index(t, "sampler", p, len(self.items("samplers")), "sampler",
                                     None)
        sampler = Sampler() if sampler_i is None else self.load_sampler(sampler_i)
        return Texture(source, sampler, self.r.get_str(t, "name", p, ""))

    def texture_ref(self, o: JsonObject, key: str, p: str,
                    scale_key: str | None = None) -> TextureRef | None:
        """A ``textureInfo`` member of a material, with KHR_texture_transform."""
        if key not in o:
            return None
        q = child(p, key)
        ti = self.r.get_obj(o, key, p)
        tex = self.r.get_index(ti, "index", q, len(self.items("textures")), "texture")
        coord = self.r.get_int(ti, "texCoord", q, 0)
        scale = 1.0 if scale_key is None else self.r.get_num(ti, scale_key, q, 1.0)
        transform = None
        ext = ti.get("extensions")
        if isinstance(ext, dict) and "KHR_texture_transform" in ext:
            ep = child(child(q, "extensions"), "KHR_texture_transform")
            tt = self.r.obj(ext["KHR_texture_transform"], ep)
            transform = TextureTransform(
                self.r.get_floats(tt, "offset", ep, 2, (0.0, 0.0)),
                self.r.get_num(tt, "rotation", ep, 0.0),
                self.r.get_floats(tt, "scale", ep, 2, (1.0, 1.0)),
                self.r.get_int(tt, "texCoord", ep, None),
            )
        return TextureRef(tex, coord, scale, transform)

    def load_material(self, index: int) -> Material:
        """Material ``index`` (metallic-roughness + unlit + emissive strength)."""
        return self.memo("material", index, self._load_material)

    def _load_material(self, index: int) -> Material:
        m, p = self.item("materials", index)
        r = self.r
        pp = child(p, "pbrMetallicRoughness")
        pbr = r.get_obj(m, "pbrMetallicRoughness", p, {})
        ext: dict[str, Any] = r.get_obj(m, "extensions", p, {})
        strength = 1.0
        if "KHR_materials_emissive_strength" in ext:
            ep = child(child(p, "extensions"), "KHR_materials_emissive_strength")
            es = r.obj(ext["KHR_materials_emissive_strength"], ep)
            strength = r.get_num(es, "emissiveStrength", ep, 1.0, minimum=0.0)
        return Material(
            name=r.get_str(m, "name", p, ""),
            base_color_factor=_unit(r, r.get_floats(pbr, "baseColorFactor", pp, 4,
                                                    (1.0, 1.0, 1.0, 1.0)), pp, "baseColorFactor"),
            base_color_texture=self.texture_ref(pbr, "baseColorTexture", pp),
            metallic_factor=r.get_num(pbr, "metallicFactor", pp, 1.0, minimum=0.0, maximum=1.0),
            roughness_factor=r.get_num(pbr, "roughnessFactor", pp, 1.0, minimum=0.0,
                                       maximum=1.0),
            metallic_roughness_texture=self.texture_ref(pbr, "metallicRoughnessTexture", pp),
            normal_texture=self.texture_ref(m, "normalTexture", p, "scale"),
            occlusion_texture=self.texture_ref(m, "occlusionTexture", p, "strength"),
            emissive_texture=self.texture_ref(m, "emissiveTexture", p),
            emissive_factor=_unit(r, r.get_floats(m, "emissiveFactor", p, 3, (0.0, 0.0, 0.0)),
                                  p, "emissiveFactor"),
            emissive_strength=strength,
            alpha_mode=r.get_str(m, "alphaMode", p, "OPAQUE", choices=("OPAQUE", "MASK", "BLEND")),
            alpha_cutoff=r.get_num(m, "alphaCutoff", p, 0.5, minimum=0.0),
            double_sided=r.get_bool(m, "doubleSided", p, False),
            unlit="KHR_materials_unlit" in ext,
            extensions={k: v for k, v in ext.items()
                        if k not in ("KHR_materials_unlit", "KHR_materials_emissive_strength")},
        )


def _unit(r: Any, values: tuple[float, ...], p: str, key: str) -> Any:
    """Check that colour factors lie in [0, 1]."""
    for i, v in enumerate(values):
        if not 0.0 <= v <= 1.0:
            r.fail(child(child(p, key), i), f"value {v} is outside [0, 1]")
    return values
