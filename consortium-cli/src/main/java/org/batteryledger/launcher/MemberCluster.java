package org.batteryledger.launcher;

import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A member that runs its node as a cluster of two servers ({@code ./consortium up --ha}): both share the node directory
 * (its key and certificates) and its PostgreSQL database; the one holding the member's lease in that database runs the
 * replica, the peer links, anchoring and the partner routes, the other waits to take over. Server 1 has its own base
 * directory ({@code server-1/}), logs ({@code log/server-1/}), ports (HTTP and management +50, peer port +1000), and
 * every address book lists both of the member's peer addresses.
 */
final class MemberCluster {
    /** node.properties: how many servers the member runs (absent: one). */
    static final String SERVERS_KEY = "ha.servers";
    static final int SERVERS = 2;
    /** What server 1 adds to its member's WildFly ports (CONTRACT.md). */
    static final int PORT_STEP = 50;
    /** What server 1 adds to its member's peer port (no contract fixes it: clear of every other node's). */
    static final int P2P_STEP = 1000;

    private MemberCluster() {
    }

    static int p2pPort(int memberPort, int server) {
        return memberPort + P2P_STEP * server;
    }

    static boolean clustered(Properties nodeProperties) {
        return Integer.parseInt(nodeProperties.getProperty(SERVERS_KEY, "1").trim()) > 1;
    }

    /** The nodes {@code spec} names: {@code all}, or names separated by commas; each must exist. */
    static List<Path> named(String spec, List<Path> nodeDirs) {
        if (spec.equals("all")) {
            return nodeDirs;
        }
        List<Path> out = new ArrayList<>();
        for (String name : spec.split(",")) {
            Path found = nodeDirs.stream().filter(d -> d.getFileName().toString().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--ha names " + name.trim() + ", which is not a node of this consortium"));
            out.add(found);
        }
        return out;
    }

    /**
     * Makes {@code node} a member of two servers (idempotent): node.properties says so, server 1 gets its base directory,
     * and every node's address book lists both servers' peer addresses for it. True when it was a member of one server
     * until now: a server 0 that runs was started without the lease and must be restarted before server 1 starts.
     */
    static boolean enable(Path node, List<Path> allNodes, Path jbossHome, Map<String, String> users) throws IOException {
        NodeDirectory nd = new NodeDirectory(node);
        Properties props = nd.properties();
        if (props.getProperty("db.url", "").isEmpty() || !props.getProperty("db.url").startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(node.getFileName() + " keeps its ledger in H2, which one process opens at a time: its two servers "
                    + "need a shared store (./consortium up --db postgres --ha ...)");
        }
        boolean grown = !clustered(props);
        if (grown) {
            nd.setProperty(SERVERS_KEY, Integer.toString(SERVERS));
        }
        ServerBaseDir.prepare(jbossHome.resolve("standalone"), node.resolve("server-1"), users);
        String host = props.getProperty("p2p.host", "127.0.0.1");
        int port = Integer.parseInt(props.getProperty("p2p.port", "30300"));
        String single = host + ":" + port;
        String both = single + "," + host + ":" + p2pPort(port, 1);
        for (Path other : allNodes) {
            NodeDirectory od = new NodeDirectory(other);
            Properties peers = od.peers();
            boolean changed = false;
            for (String id : peers.stringPropertyNames()) {
                if (peers.getProperty(id).trim().equals(single)) {
                    peers.setProperty(id, both); // nodes re-read their address book every few seconds
                    changed = true;
                }
            }
            if (changed) {
                od.writePeers(peers);
            }
        }
        return grown;
    }

    /** The member's servers: one, or two for a clustered member. */
    static List<NodeProcess> servers(Path jbossHome, Path node) throws IOException {
        Properties p = new NodeDirectory(node).properties();
        int index = Integer.parseInt(p.getProperty("index"));
        int offset = Integer.parseInt(p.getProperty("port.offset", Integer.toString(Ports.DEFAULT.offset(index))));
        int http = Integer.parseInt(p.getProperty("http.port", Integer.toString(Ports.DEFAULT.http(index))));
        boolean clustered = clustered(p);
        List<NodeProcess> out = new ArrayList<>();
        for (int s = 0; s < (clustered ? SERVERS : 1); s++) {
            out.add(new NodeProcess(jbossHome, node, p.getProperty("name"), index, offset, http, s, clustered));
        }
        return out;
    }
}
