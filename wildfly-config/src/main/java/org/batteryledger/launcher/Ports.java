package org.batteryledger.launcher;

/** Ports of node i (counting from 0), as the contract fixes them: WildFly offset 100·i, peer-to-peer 30300+i. */
public final class Ports {
    private Ports() {
    }

    public static int offset(int index) {
        return 100 * index;
    }

    public static int http(int index) {
        return 8080 + offset(index);
    }

    public static int management(int index) {
        return 9990 + offset(index);
    }

    public static int p2p(int index) {
        return 30300 + index;
    }
}
