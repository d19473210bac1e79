package io.fabricbinder.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.cni.PluginHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One simulated Kubernetes node, playing its kubelet and Multus: the plugin installed by {@code
 * fabricbinder cni-install} (the DaemonSet's init container) from cni's packaged {@code
 * fabricbinder-ipam} directory, a {@code fabricbinder node-agent} serving it over its socket from the
 * 3-member etcd, and per pod attachment a network namespace (the sandbox) into which Debian's {@code
 * host-device} moves one end of a veth pair (the stand-in for sriov-cni moving a VF: the same IPAM
 * delegation), exec'd exactly as a runtime does. {@link #close()} removes every namespace and link
 * it made (the processes belong to {@link Children}).
 */
final class SimulatedNode implements AutoCloseable {
    static final Path HOST_DEVICE = Path.of("/usr/lib/cni/host-device");
    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final Path binDir;
    final Path nodeConfig;
    final Path socket;
    private final String id;
    private final List<String> netnses = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    private int next;

    /** One pod interface set up by CNI ADD. */
    record Attachment(
            String namespace,
            String pod,
            String podUid,
            String ifname,
            String netns,
            String containerId,
            String config,
            String result,
            String address,
            String mac) {
        /** The address without its prefix length. */
        String ip() {
            return address.substring(0, address.indexOf('/'));
        }
    }

    private SimulatedNode(String name, String id, Path binDir, Path nodeConfig, Path socket) {
        this.name = name;
        this.id = id;
        this.binDir = binDir;
        this.nodeConfig = nodeConfig;
        this.socket = socket;
    }

    /**
     * Installs the plugin for node {@code name} below {@code dir} (its CNI bin directory shared by
     * every node: cni-install's content-addressed copy makes the second install a no-op) and starts
     * its node agent on {@code etcdEndpoints}.
     */
    static SimulatedNode start(
            Children children, String name, String id, Path dir, Path binDir, Path pluginHome, String etcdEndpoints)
            throws IOException, InterruptedException {
        Path confDir = Files.createDirectories(dir.resolve(name).resolve("net.d"));
        Path socket = dir.resolve(name).resolve("run").resolve("ipam.sock");
        children.run(
                "cni-install-" + name,
                Map.of(),
                "cni-install",
                "--bin-dir",
                binDir.toString(),
                "--conf-dir",
                confDir.toString(),
                "--socket",
                socket.toString(),
                "--source",
                pluginHome.toString());
        Path nodeConfig = confDir.resolve("fabricbinder.d").resolve("fabricbinder-ipam.conf");
        Children.Child agent = children.start(
                "node-agent-" + name,
                Map.of(),
                "node-agent",
                "--no-inventory",
                "--ipam-socket",
                socket.toString(),
                "--etcd-endpoints",
                etcdEndpoints);
        Children.awaitLine(agent, Pattern.compile("serving fabricbinder-ipam on"), 0, Duration.ofSeconds(60));
        return new SimulatedNode(name, id, binDir, nodeConfig, socket);
    }

    /**
     * The sandbox of pod {@code namespace/pod} and its CNI ADD for the network {@code nadConfig}
     * (a NAD's {@code spec.config}, the sriov type swapped for host-device on a fresh veth end),
     * with the identity Multus passes (K8S_POD_* in CNI_ARGS, the interface name from the pod's
     * networks annotation). An ADD answered with code 11 ("try again later") is handled as the
     * kubelet and the container runtime do: DEL, the sandbox is removed, a new one is tried (at most
     * 5 sandboxes); any other failure fails the test.
     */
    Attachment add(String namespace, String pod, String podUid, String ifname, String nadConfig) throws IOException {
        List<String> failures = new ArrayList<>();
        while (true) {
            int n = next++;
            String netns = "fbst-" + id + "-" + name + "-" + n;
            String vf = "fbv" + id + n;
            String peer = "fbp" + id + n;
            PluginHarness.sh("ip", "netns", "add", netns);
            netnses.add(netns);
            PluginHarness.sh("ip", "link", "add", vf, "type", "veth", "peer", "name", peer);
            links.add(peer);
            PluginHarness.sh("ip", "link", "set", peer, "up");
            ObjectNode conf = (ObjectNode) JSON.readTree(nadConfig);
            conf.put("type", "host-device");
            conf.put("device", vf);
            String config = JSON.writeValueAsString(conf);
            String containerId = "ctr-" + id + "-" + name + "-" + n;
            Map<String, String> env = env("ADD", namespace, pod, podUid, ifname, netns, containerId);
            PluginHarness.Result r = PluginHarness.exec(HOST_DEVICE, env, config);
            if (r.exitCode() == 0) {
                JsonNode result = JSON.readTree(r.stdout());
                String address = result.path("ips").path(0).path("address").asText();
                String mac = result.path("interfaces").path(0).path("mac").asText();
                return new Attachment(
                        namespace, pod, podUid, ifname, netns, containerId, config, r.stdout(), address, mac);
            }
            failures.add("sandbox " + containerId + ": exit " + r.exitCode() + ": " + r.stdout() + r.stderr());
            if (!JSON.readTree(r.stdout()).path("code").asText().equals("11") || failures.size() == 5) {
                throw new AssertionError("CNI ADD for " + namespace + "/" + pod + " on " + name + " failed: "
                        + String.join("\n", failures));
            }
            System.out.println(
                    "CNI ADD for " + namespace + "/" + pod + " answered 11, the runtime retries: " + r.stdout());
            env.put("CNI_COMMAND", "DEL");
            PluginHarness.exec(HOST_DEVICE, env, config);
            PluginHarness.quietly("ip", "netns", "del", netns);
            netnses.remove(netns);
            PluginHarness.quietly("ip", "link", "del", peer);
            links.remove(peer);
        }
    }

    /** CNI DEL exactly as a runtime sends it (the configuration plus the ADD's result), then the sandbox goes. */
    void del(Attachment a) throws IOException {
        ObjectNode conf = (ObjectNode) JSON.readTree(a.config());
        conf.set("prevResult", JSON.readTree(a.result()));
        PluginHarness.Result r = PluginHarness.exec(
                HOST_DEVICE,
                env("DEL", a.namespace(), a.pod(), a.podUid(), a.ifname(), a.netns(), a.containerId()),
                JSON.writeValueAsString(conf));
        if (r.exitCode() != 0) {
            throw new AssertionError("CNI DEL for " + a.namespace() + "/" + a.pod() + " on " + name + " failed ("
                    + r.exitCode() + "): " + r.stdout() + r.stderr());
        }
        PluginHarness.sh("ip", "netns", "del", a.netns());
        netnses.remove(a.netns());
    }

    /** The IPv4 addresses on {@code ifname} inside the attachment's network namespace. */
    List<String> addressesInside(Attachment a) throws IOException {
        JsonNode links = JSON.readTree(PluginHarness.sh(
                "ip", "netns", "exec", a.netns(), "ip", "-j", "-4", "addr", "show", "dev", a.ifname()));
        List<String> out = new ArrayList<>();
        for (JsonNode info : links.path(0).path("addr_info")) {
            out.add(info.path("local").asText() + "/" + info.path("prefixlen").asInt());
        }
        return out;
    }

    private Map<String, String> env(
            String command, String namespace, String pod, String uid, String ifname, String netns, String container) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", container);
        env.put("CNI_NETNS", "/run/netns/" + netns);
        env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/usr/lib/cni:" + binDir);
        env.put(
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + pod
                        + ";K8S_POD_INFRA_CONTAINER_ID=" + container + ";K8S_POD_UID=" + uid);
        // the node configuration cni-install wrote for this node (the default path is the host's)
        env.put("FABRICBINDER_IPAM_CONFIG", nodeConfig.toString());
        return env;
    }

    @Override
    public void close() {
        for (String ns : netnses) {
            PluginHarness.quietly("ip", "netns", "del", ns);
        }
        // a veth pair goes with either end; the VF end may sit in a namespace deleted above
        for (String link : links) {
            PluginHarness.quietly("ip", "link", "del", link);
        }
        netnses.clear();
        links.clear();
    }
}
