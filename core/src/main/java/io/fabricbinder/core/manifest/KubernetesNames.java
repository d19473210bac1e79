package io.fabricbinder.core.manifest;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The name rules the Kubernetes API server applies (k8s.io/apimachinery {@code
 * pkg/util/validation}), so that FabricBinder never acts on an object the API server would have
 * rejected: namespaces are DNS-1123 labels, object names (pods, NADs and other custom resources, node
 * names) DNS-1123 subdomains, label keys qualified names and label values at most 63 characters of
 * {@code [A-Za-z0-9_.-]} starting and ending alphanumeric. Each check returns null when the value
 * is fine, else what is wrong (with the value, shortened).
 */
final class KubernetesNames {

    /** DNS-1123 label: at most 63 characters. */
    static final int LABEL_MAX = 63;
    /** DNS-1123 subdomain: at most 253 characters. */
    static final int SUBDOMAIN_MAX = 253;
    /** Values echoed in messages are cut to this many characters. */
    private static final int ECHO_MAX = 64;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private KubernetesNames() {}

    /** A namespace: a DNS-1123 label. */
    static @Nullable String dns1123Label(String value) {
        if (value.length() > LABEL_MAX) {
            return "must be at most " + LABEL_MAX + " characters, got " + echo(value);
        }
        if (!DNS_LABEL.matcher(value).matches()) {
            return "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a"
                    + " letter or digit), got " + echo(value);
        }
        return null;
    }

    /** An object name: a DNS-1123 subdomain. */
    static @Nullable String dns1123Subdomain(String value) {
        if (value.length() > SUBDOMAIN_MAX) {
            return "must be at most " + SUBDOMAIN_MAX + " characters, got " + echo(value);
        }
        if (!DNS_SUBDOMAIN.matcher(value).matches()) {
            return "must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending"
                    + " with a letter or digit), got " + echo(value);
        }
        return null;
    }

    /** A label key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters. */
    static @Nullable String labelKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || dns1123Subdomain(prefix) != null) {
                return "the prefix of label key " + echo(key) + " must be a DNS-1123 subdomain";
            }
        }
        if (name.isEmpty()
                || name.length() > LABEL_MAX
                || !QUALIFIED_NAME_PART.matcher(name).matches()) {
            return "label key " + echo(key) + " must be a name of at most " + LABEL_MAX
                    + " characters ([A-Za-z0-9_.-], starting and ending alphanumeric), optionally with a prefix";
        }
        return null;
    }

    /** A label value: empty, or at most 63 characters of {@code [A-Za-z0-9_.-]} starting and ending alphanumeric. */
    static @Nullable String labelValue(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > LABEL_MAX || !QUALIFIED_NAME_PART.matcher(value).matches()) {
            return "label value must be at most " + LABEL_MAX
                    + " characters ([A-Za-z0-9_.-], starting and ending alphanumeric), got " + echo(value);
        }
        return null;
    }

    /** The value quoted, cut to {@value #ECHO_MAX} characters with its length when longer. */
    static String echo(String value) {
        if (value.length() <= ECHO_MAX) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, ECHO_MAX) + "…' (" + value.length() + " characters)";
    }
}
