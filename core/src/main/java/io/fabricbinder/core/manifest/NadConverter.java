package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.IpamBlockException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates a NetworkAttachmentDefinition map into the model: its annotations and CNI config. */
final class NadConverter {

    private NadConverter() {}

    static @Nullable NetworkAttachmentDefinition nad(
            FieldReader c,
            Map<String, ?> r,
            String namespace,
            String name,
            Map<String, String> labels,
            Map<String, String> annotations) {
        String extendField = "metadata.annotations[" + NetworkAttachmentDefinition.EXTEND_ANNOTATION + "]";
        boolean extend = false;
        String ext = annotations.get(NetworkAttachmentDefinition.EXTEND_ANNOTATION);
        if (ext != null) {
            if (ext.equals("true")) {
                extend = true;
            } else if (!ext.equals("false")) {
                c.error(extendField, "must be \"true\" or \"false\", got " + KubernetesNames.echo(ext));
            }
        }
        Integer vni = null;
        String vniText = annotations.get(NetworkAttachmentDefinition.VNI_ANNOTATION);
        if (vniText != null) {
            String f = "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]";
            try {
                long v = Long.parseLong(vniText.strip());
                if (v < NetworkAttachmentDefinition.MIN_VNI || v > NetworkAttachmentDefinition.MAX_VNI) {
                    c.error(
                            f,
                            "VNI " + v + " is out of range " + NetworkAttachmentDefinition.MIN_VNI + ".."
                                    + NetworkAttachmentDefinition.MAX_VNI);
                } else {
                    vni = (int) v;
                }
            } catch (NumberFormatException e) {
                c.error(f, "VNI " + KubernetesNames.echo(vniText) + " is not a number");
            }
        }
        String resourceName = annotations.get(NetworkAttachmentDefinition.RESOURCE_ANNOTATION);
        Map<String, Object> spec = c.map(r, "spec", "spec");
        CniConfig cni = null;
        Integer vlan = null;
        IpamBlock ipam = null;
        Object configObj = spec == null ? null : spec.get("config");
        if (configObj != null) {
            Map<String, Object> config = null;
            if (configObj instanceof String s) {
                try {
                    Object parsed = FieldReader.JSON.readValue(s, Object.class);
                    if (parsed instanceof Map<?, ?> m) {
                        config = FieldReader.asStringMap(m);
                    } else {
                        c.error("spec.config", "must hold a JSON object");
                    }
                } catch (JsonProcessingException e) {
                    c.error("spec.config", "malformed JSON: " + FieldReader.firstLine(e.getOriginalMessage()));
                }
            } else if (configObj instanceof Map<?, ?> m) {
                config = FieldReader.asStringMap(m);
            } else {
                c.error("spec.config", "must be a string holding CNI JSON");
            }
            if (config != null) {
                List<CniConfig.Plugin> plugins = new ArrayList<>();
                boolean conflist = config.containsKey("plugins");
                List<Map<String, Object>> pluginMaps = new ArrayList<>();
                List<String> paths = new ArrayList<>();
                if (conflist) {
                    List<?> list = c.list(config, "plugins", "spec.config.plugins");
                    if (list != null) {
                        for (int i = 0; i < list.size(); i++) {
                            String p = "spec.config.plugins[" + i + "]";
                            if (list.get(i) instanceof Map<?, ?> m) {
                                pluginMaps.add(FieldReader.asStringMap(m));
                                paths.add(p);
                            } else {
                                c.error(p, "must be an object");
                            }
                        }
                        if (list.isEmpty()) {
                            c.error("spec.config.plugins", "must not be empty");
                        }
                    }
                } else {
                    pluginMaps.add(config);
                    paths.add("spec.config");
                }
                for (int i = 0; i < pluginMaps.size(); i++) {
                    Map<String, Object> pm = pluginMaps.get(i);
                    String p = paths.get(i);
                    String type = c.string(pm, "type", p + ".type");
                    if (type == null) {
                        if (!pm.containsKey("type")) {
                            c.error(p + ".type", "is required");
                        }
                        continue;
                    }
                    Map<String, Object> settings = new LinkedHashMap<>(pm);
                    settings.remove("type");
                    plugins.add(new CniConfig.Plugin(type, settings));
                    if (type.equals("sriov") && vlan == null && pm.containsKey("vlan")) {
                        Integer v = c.integer(pm, "vlan", p + ".vlan");
                        if (v != null) {
                            if (v < 0 || v > 4094) {
                                c.error(p + ".vlan", "VLAN " + v + " is out of range 0..4094");
                            } else {
                                vlan = v;
                            }
                        }
                    }
                    if (ipam == null && pm.containsKey("ipam")) {
                        Map<String, Object> im = c.map(pm, "ipam", p + ".ipam");
                        if (im != null) {
                            ipam = ipam(c, im, p + ".ipam");
                        }
                    }
                }
                cni = new CniConfig(
                        c.string(config, "cniVersion", "spec.config.cniVersion"),
                        c.string(config, "name", "spec.config.name"),
                        conflist,
                        plugins);
            }
        }
        if (!c.ok()) {
            return null;
        }
        return new NetworkAttachmentDefinition(namespace, name, labels, resourceName, extend, vni, cni, vlan, ipam);
    }

    /**
     * The plugin's {@code ipam} block, read by the ipam module's parser (the CNI plugin reads it with
     * the same one). Its errors and warnings name the field under {@code path}.
     */
    private static @Nullable IpamBlock ipam(FieldReader c, Map<String, Object> m, String path) {
        try {
            IpamBlock block = IpamBlock.parse(m);
            for (String w : block.warnings()) {
                // Each warning starts with its field path, rooted at "ipam".
                int colon = w.indexOf(": ");
                String field = colon > 0 && w.startsWith("ipam") ? w.substring(0, colon) : "ipam";
                c.warning(underPath(path, field), colon > 0 ? w.substring(colon + 2) : w);
            }
            return block;
        } catch (IpamBlockException e) {
            c.error(underPath(path, e.field()), e.problem());
            return null;
        }
    }

    /** {@code ipam.x.y} under {@code spec.config.plugins[0].ipam}: the parser's path, rooted at the NAD. */
    private static String underPath(String ipamPath, String field) {
        return ipamPath + field.substring("ipam".length());
    }
}
