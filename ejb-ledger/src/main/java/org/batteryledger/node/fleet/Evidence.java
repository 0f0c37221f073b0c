package org.batteryledger.node.fleet;

import java.util.Locale;

/**
 * How far the fleet table can vouch for a battery's figures, worst first when several apply: a holder that did not
 * answer or a record that failed its check outweighs this node's own records still waiting for their anchor.
 */
public enum Evidence {
    /** Every member node answered, every record checked against the chain, none of this node's waiting for an anchor. */
    VERIFIED,
    /** Complete otherwise, but this node holds records of the battery that are not anchored yet (not counted). */
    UNANCHORED,
    /** A holder did not answer, refused, or sent a record that failed its check: the figures are from what there is. */
    INCOMPLETE,
    /** Known from the chain or this node's intake; not assessed yet. */
    NOT_ASSESSED,
    /** Cannot be assessed by this node (the battery record is not available to it, or no valuation parameters). */
    UNAVAILABLE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
