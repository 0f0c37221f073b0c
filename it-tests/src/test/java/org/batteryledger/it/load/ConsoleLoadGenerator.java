package org.batteryledger.it.load;

import org.batteryledger.it.Jsonp;
import org.batteryledger.launcher.client.NodeClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A load generator (not a test): requests what the console's pages load, one after another, from node0 of a running
 * local consortium, and reports the median and 95th percentile latency per endpoint. Loopback only.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.ConsoleLoadGenerator -Dexec.args="$PWD/consortium.d 100"</pre>
 * (arguments: consortium directory, requests per endpoint, port shift)
 */
public final class ConsoleLoadGenerator {
    private static final List<String> PAGES_LOAD = List.of("/session", "/nodes", "/nodes/participation?buckets=20", "/chain",
            "/chain/blocks?limit=200", "/admin/proposals", "/storage", "/storage/nodes");

    private ConsoleLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int portShift = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        NodeClient node0 = new NodeClient(8080 + portShift, dir);
        List<String> paths = new ArrayList<>(PAGES_LOAD);
        // The battery search with the first two characters of a code this node holds (the fleet's codes depend on its seed).
        var first = node0.get("admin", "/batteries?limit=1").as(Jsonp::structure).asJsonArray();
        if (!first.isEmpty()) {
            paths.add("/batteries?limit=50&prefix=" + first.getJsonObject(0).getString("batteryCode").substring(0, 2));
        }
        for (String path : paths) {
            for (int i = 0; i < 5; i++) {
                node0.get("admin", path); // warm-up
            }
            List<Long> micros = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                NodeClient.Reply r = node0.get("admin", path);
                micros.add((System.nanoTime() - t) / 1000);
                if (r.status() != 200) {
                    throw new IllegalStateException(path + " answered " + r.status() + ": " + r.body());
                }
                bytes = r.body().length();
            }
            Collections.sort(micros);
            System.out.printf("%-34s median %7.1f ms   p95 %7.1f ms   %7d bytes   (n=%d)%n", path, micros.get(n / 2) / 1000.0,
                    micros.get((int) Math.ceil(n * 0.95) - 1) / 1000.0, bytes, n);
        }
    }
}
