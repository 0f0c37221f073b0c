package org.batteryledger.launcher;

/**
 * Ports of node i (counting from 0), as the contract fixes them: WildFly offset 100·i (HTTP 8080+100·i, management
 * 9990+100·i), peer-to-peer 30300+i. A shift (a multiple of 100, for tests that run beside another consortium)
 * moves them all: offset shift+100·i, peer-to-peer 30300+shift/100+i.
 */
public record Ports(int shift) {
    public static final Ports DEFAULT = new Ports(0);

    public Ports {
        if (shift < 0 || shift % 100 != 0) {
            throw new IllegalArgumentException("a port shift is a non-negative multiple of 100, not " + shift);
        }
    }

    public int offset(int index) {
        return shift + 100 * index;
    }

    public int http(int index) {
        return 8080 + offset(index);
    }

    /** WildFly's HTTPS listener, 8443 shifted as the others. */
    public int https(int index) {
        return 8443 + offset(index);
    }

    public int management(int index) {
        return 9990 + offset(index);
    }

    public int p2p(int index) {
        return 30300 + shift / 100 + index;
    }
}
