package org.batteryledger.it;

import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.client.NodeClient;
import org.batteryledger.launcher.Ports;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One four-node H2 consortium (agencies a, b and c; node2 a recycler's), with the partner simulators beside it when
 * {@link PartnerPullSystemIT} starts it (node0 pulls its fleet from the start, as {@code ./consortium up --fleet}
 * does; ConsoleBrowserIT run alone gets none, and no intake under its feet), shared by the
 * system test classes that leave every node running: {@link PartnerPullSystemIT} and {@link ConsoleBrowserIT}.
 * Starting four WildFly servers costs about 55 s of a 2-core machine (BENCHMARKS.md), so the build pays it once for both.
 * <p>
 * The first class that asks starts it (a class run alone starts it for itself); JUnit closes it when the test run
 * ends, as a value of the root store. PartnerPullSystemIT crashes node0 in the middle of the intake, so it must be the
 * first user and says so if it is not; {@code junit-platform.properties} orders the classes. ConsoleBrowserIT works on
 * whatever the consortium holds. Ports: {@code it.shared.port.base} (3000) + 100·i, so a second run can sit beside the
 * build with another base.
 */
final class SharedConsortium implements AutoCloseable {
    /** Register on a class that uses {@link #get()}: starts the consortium before the class's {@code @BeforeAll}. */
    static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(SharedConsortium.class, k -> start(context.getRequiredTestClass() == PartnerPullSystemIT.class),
                            SharedConsortium.class);
        }
    }

    private static SharedConsortium current;
    /** The classes that took the consortium, in order. */
    private final List<Class<?>> users = new ArrayList<>();

    final Path dir;
    final Ports ports;
    final Path jbossHome = Path.of(System.getProperty("jboss.home"));
    final Path ear = Path.of(System.getProperty("it.ear"));
    final List<NodeClient> nodes = new ArrayList<>();

    private SharedConsortium(Path dir, Ports ports) {
        this.dir = dir;
        this.ports = ports;
    }

    /** The started consortium, for {@code user}; only after {@link Extension} ran for that class. */
    static synchronized SharedConsortium take(Class<?> user) {
        if (current == null) {
            throw new IllegalStateException("register SharedConsortium.Extension on the test class");
        }
        current.users.add(user);
        return current;
    }

    /** The classes that took the consortium before {@code user}. */
    synchronized List<Class<?>> usersBefore(Class<?> user) {
        return List.copyOf(users.subList(0, users.indexOf(user)));
    }

    /** @param fleet whether node0 pulls the partner simulators' fleet (when the pull test is the first user) */
    private static synchronized SharedConsortium start(boolean fleet) {
        SharedConsortium c = new SharedConsortium(Path.of(System.getProperty("it.system.dir")).resolveSibling("shared-consortium"),
                new Ports(Integer.getInteger("it.shared.port.base", 3000)));
        try {
            ConsortiumScenario.deleteTree(c.dir); // a fresh consortium every run
            int up = Consortium.at(c.dir).up(4, "ecdsa-p256-sha256", c.jbossHome, c.ear, c.ports, "h2", fleet ? PartnerPullSystemIT.FLEET : null);
            if (up != 0) {
                Consortium.at(c.dir).down(); // the nodes that did start
                assertEquals(0, up, "./consortium up of the shared consortium");
            }
            for (int i = 0; i < 4; i++) {
                c.nodes.add(new NodeClient(c.ports.http(i), c.dir));
            }
            current = c;
            return c;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the shared consortium did not start", e);
        }
    }

    @Override
    public void close() throws Exception {
        synchronized (SharedConsortium.class) {
            current = null;
        }
        Consortium.at(dir).down();
    }
}
