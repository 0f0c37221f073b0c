package org.batteryledger.core.crypto;

/** The real crypto suites by the id written in a genesis. The simulator's keyed-hash suite lives elsewhere. */
public final class Suites {
    private static final EcdsaP256Sha256Suite ECDSA = new EcdsaP256Sha256Suite();
    private static final Sm2Sm3Suite SM2 = new Sm2Sm3Suite();

    private Suites() {
    }

    public static EcdsaP256Sha256Suite ecdsa() {
        return ECDSA;
    }

    public static Sm2Sm3Suite sm2() {
        return SM2;
    }

    /** @throws IllegalArgumentException for an id that is not a real suite */
    public static EcSuite byId(String id) {
        if (EcdsaP256Sha256Suite.ID.equals(id)) {
            return ECDSA;
        }
        if (Sm2Sm3Suite.ID.equals(id)) {
            return SM2;
        }
        throw new IllegalArgumentException("unknown crypto suite '" + id + "'; known: "
                + EcdsaP256Sha256Suite.ID + ", " + Sm2Sm3Suite.ID);
    }
}
