package io.fabricbinder.core.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes LabelSelector: {@code matchLabels} AND every {@code matchExpressions} requirement.
 *
 * <p>Example: {@code selector.matches(nad.labels())}. An empty selector matches everything, as in
 * Kubernetes. Immutable and thread-safe.
 *
 * @param matchLabels labels that must be present with these values
 * @param matchExpressions requirements that must all hold
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    /** Copies. */
    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** True if the labels satisfy this selector. */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** A selector operator, spelled as in Kubernetes. */
    public enum Operator {
        /** Label present with one of the values. */
        IN("In"),
        /** Label absent, or present with none of the values. */
        NOT_IN("NotIn"),
        /** Label present. */
        EXISTS("Exists"),
        /** Label absent. */
        DOES_NOT_EXIST("DoesNotExist");

        private final String spelling;

        Operator(String spelling) {
            this.spelling = spelling;
        }

        /** The Kubernetes spelling, e.g. {@code NotIn}. */
        public String spelling() {
            return spelling;
        }

        /**
         * Parses the Kubernetes spelling.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Operator parse(String s) {
            for (Operator o : values()) {
                if (o.spelling.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(
                    "unknown operator '" + s + "' (expected In, NotIn, Exists or DoesNotExist)");
        }
    }

    /**
     * One {@code matchExpressions} entry.
     *
     * @param key the label key
     * @param operator the operator
     * @param values the values: non-empty for In/NotIn, empty for Exists/DoesNotExist
     */
    public record Requirement(String key, Operator operator, List<String> values) {

        /** Validates and copies. */
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(values);
            boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
            if (needsValues && values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.spelling() + " needs at least one value");
            }
            if (!needsValues && !values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.spelling() + " takes no values");
            }
        }

        /** True if the labels satisfy this requirement. */
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case IN -> v != null && values.contains(v);
                case NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }
    }
}
