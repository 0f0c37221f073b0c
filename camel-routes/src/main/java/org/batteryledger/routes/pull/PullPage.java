package org.batteryledger.routes.pull;

import java.util.List;

/** One page of a partner's feed: its records as JSON values, and whether the partner has more after them. */
public record PullPage(List<Object> records, boolean more) {
    public PullPage {
        records = List.copyOf(records);
    }
}
