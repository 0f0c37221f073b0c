package org.batteryledger.node.net;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.runtime.NodeRuntime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the peers are: the node directory's address book ({@code peers.properties}: {@code node id = host:port}, with
 * one {@code host:port} per server, comma-separated, for a member that runs as a cluster) and the link drill knob
 * ({@code p2p.delay.millis}), read at start and every 5 seconds, so an operator adds a peer or slows this node
 * without a restart.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
public class AddressBook {
    private static final Logger LOG = Logger.getLogger(AddressBook.class.getName());
    private static final long RELOAD_SECONDS = 5;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private Background scheduler;
    private Background.Periodic reload;

    @PostConstruct
    void start() {
        read();
        reload = scheduler.scheduleWithFixedDelay(this::read, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (reload != null) {
            reload.stop();
        }
    }

    private void read() {
        NodeDirectory directory = runtime.directory();
        PeerNetwork network = runtime.network();
        if (network == null) {
            return;
        }
        try {
            network.outboundDelayMillis(Long.parseLong(directory.properties().getProperty("p2p.delay.millis", "0").trim()));
            Properties peers = directory.peers();
            for (String id : peers.stringPropertyNames()) {
                // host:port, or host:port,host:port for a member that runs as a cluster (one address per server)
                java.util.List<InetSocketAddress> addresses = new java.util.ArrayList<>();
                for (String one : peers.getProperty(id).trim().split(",")) {
                    String[] hostPort = one.trim().split(":");
                    addresses.add(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
                }
                network.peer(new NodeId(id.trim()), addresses);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the address book " + directory.peersFile(), e);
        }
    }
}
