package io.fabricbinder.core.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validates a VirtualNetworkRouter map into the model: its type and network selector. */
final class RouterConverter {

    private RouterConverter() {}

    static @Nullable VirtualNetworkRouter vnr(
            FieldReader c, Map<String, ?> r, String api, String namespace, String name, Map<String, String> labels) {
        Map<String, Object> spec = c.map(r, "spec", "spec");
        if (spec == null) {
            c.error("spec", "is required");
            return null;
        }
        VirtualNetworkRouter.Type type = null;
        String t = c.string(spec, "type", "spec.type");
        if (t == null) {
            if (!spec.containsKey("type")) {
                c.error("spec.type", "is required");
            }
        } else {
            try {
                type = VirtualNetworkRouter.Type.parse(t);
            } catch (IllegalArgumentException e) {
                c.error("spec.type", String.valueOf(e.getMessage()));
            }
        }
        LabelSelector selector = null;
        Map<String, Object> sm = c.map(spec, "virtualNetworkSelector", "spec.virtualNetworkSelector");
        if (sm == null) {
            if (!spec.containsKey("virtualNetworkSelector")) {
                c.error("spec.virtualNetworkSelector", "is required");
            }
        } else {
            selector = selector(c, sm, "spec.virtualNetworkSelector");
        }
        if (!c.ok() || type == null || selector == null) {
            return null;
        }
        return new VirtualNetworkRouter(namespace, name, api, labels, type, selector);
    }

    static @Nullable LabelSelector selector(FieldReader c, Map<String, Object> m, String path) {
        int before = c.errors.size();
        Map<String, String> matchLabels = c.stringMap(m, "matchLabels", path + ".matchLabels");
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        List<?> exprs = c.list(m, "matchExpressions", path + ".matchExpressions");
        if (exprs != null) {
            for (int i = 0; i < exprs.size(); i++) {
                String p = path + ".matchExpressions[" + i + "]";
                if (!(exprs.get(i) instanceof Map<?, ?> raw)) {
                    c.error(p, "must be an object");
                    continue;
                }
                Map<String, Object> em = FieldReader.asStringMap(raw);
                String key = c.string(em, "key", p + ".key");
                if (key == null || key.isEmpty()) {
                    c.error(p + ".key", "is required");
                    continue;
                }
                String op = c.string(em, "operator", p + ".operator");
                if (op == null) {
                    c.error(p + ".operator", "is required");
                    continue;
                }
                LabelSelector.Operator operator;
                try {
                    operator = LabelSelector.Operator.parse(op);
                } catch (IllegalArgumentException e) {
                    c.error(p + ".operator", String.valueOf(e.getMessage()));
                    continue;
                }
                int errorsBefore = c.errors.size();
                List<String> values = c.stringList(em, "values", p + ".values");
                if (c.errors.size() > errorsBefore) {
                    continue; // a bad element was named; no second error for the list it left empty
                }
                try {
                    reqs.add(new LabelSelector.Requirement(key, operator, values));
                } catch (IllegalArgumentException e) {
                    c.error(p + ".values", String.valueOf(e.getMessage()));
                }
            }
        }
        return c.errors.size() == before ? new LabelSelector(matchLabels, reqs) : null;
    }
}
