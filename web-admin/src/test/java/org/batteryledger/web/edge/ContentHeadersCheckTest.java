package org.batteryledger.web.edge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Content-Type charsets and Accept headers the node refuses itself, each of which was a 500 (issue 17). */
class ContentHeadersCheckTest {
    @Test
    void aCharsetTheNodeCannotDecodeOrAMultipartWithoutBoundaryIsNamed() {
        assertEquals("the Content-Type's charset 'bogus' is not one this node reads; send UTF-8",
                ContentHeadersCheck.unreadableContentType("application/json; charset=bogus"));
        assertEquals("the Content-Type's charset 'ebcdic' is not one this node reads; send UTF-8",
                ContentHeadersCheck.unreadableContentType("text/xml;charset=\"ebcdic\""));
        assertEquals("the Content-Type's charset '@@' is not one this node reads; send UTF-8",
                ContentHeadersCheck.unreadableContentType("text/xml; CHARSET=\"@@\""));
        assertEquals("the Content-Type multipart/related has no boundary parameter to separate its parts",
                ContentHeadersCheck.unreadableContentType("multipart/related; type=\"application/xop+xml\""));
        assertEquals("the Content-Type Multipart/Form-Data has no boundary parameter to separate its parts",
                ContentHeadersCheck.unreadableContentType("Multipart/Form-Data"));
        for (String ok : new String[]{null, "application/json", "application/json; charset=UTF-8", "text/xml; charset=\"utf-8\"",
                "application/json;charset=iso-8859-1", "multipart/related; boundary=x; type=\"application/xop+xml\"", "nonsense"}) {
            assertNull(ContentHeadersCheck.unreadableContentType(ok), ok);
        }
    }

    @Test
    void anAcceptHeaderIsMediaRangesWithWeightsFromZeroToOne() {
        for (String ok : new String[]{"*/*", "application/json", "application/json, */*;q=0.8", "text/html;level=1;q=1.000", "application/pdf;q=0",
                "application/json;q=0.5, application/problem+json", "a/b, , c/d", "application/json; charset=\"utf-8\""}) {
            assertNull(ContentHeadersCheck.malformedAccept(List.of(ok)), ok);
        }
        assertNull(ContentHeadersCheck.malformedAccept(null));
        assertEquals("the Accept header's weight q=bogus is not a number from 0 to 1 with at most 3 decimals",
                ContentHeadersCheck.malformedAccept(List.of("*/*;q=bogus")));
        assertEquals("the Accept header's weight q=1.5 is not a number from 0 to 1 with at most 3 decimals",
                ContentHeadersCheck.malformedAccept(List.of("application/json, */*;q=1.5")));
        assertEquals("the Accept header's weight q=0.1234 is not a number from 0 to 1 with at most 3 decimals",
                ContentHeadersCheck.malformedAccept(List.of("*/*; q=0.1234")));
        assertEquals("the Accept header's 'json' is not a media range like application/json or */*",
                ContentHeadersCheck.malformedAccept(List.of("json")));
        assertEquals("the Accept header's parameter 'q' is not name=value", ContentHeadersCheck.malformedAccept(List.of("*/*;q")));
    }

    /** Found by FuzzIT: ";" and ";;;" threw from the check itself (an empty split), charset=" from the REST runtime. */
    @Test
    void aContentTypeOrAcceptThatIsNoMediaTypeIsNamedAndNeverThrows() {
        assertEquals("the Content-Type ';' is not a media type like application/json", ContentHeadersCheck.malformedContentType(";"));
        assertEquals("the Content-Type's parameter 'charset=\"' is not name=value", ContentHeadersCheck.malformedContentType("application/json; charset=\""));
        assertEquals("the Content-Type '' is not a media type like application/json", ContentHeadersCheck.malformedContentType(""));
        assertNull(ContentHeadersCheck.malformedContentType("application/json; charset=utf-8"));
        assertNull(ContentHeadersCheck.malformedContentType("text/xml;;charset=\"utf-8\";"));
        assertEquals("the Accept header's '' is not a media range like application/json or */*", ContentHeadersCheck.malformedAccept(List.of(";;;")));
        assertNull(ContentHeadersCheck.malformedAccept(List.of("application/json;;q=0.5, */*")));
    }
}
