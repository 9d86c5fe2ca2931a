package io.sluice.dataplane.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextExcerptTest
{
    @Test
    void shouldQuoteAShortValueWholeAndALongOneByItsStartAndLength()
    {
        assertEquals("'192.0.2.10'", TextExcerpt.quoted("192.0.2.10"));
        assertEquals("'" + "a".repeat(64) + "'", TextExcerpt.quoted("a".repeat(64)));
        assertEquals("'" + "a".repeat(64) + "... (20000 characters)'", TextExcerpt.quoted("a".repeat(20_000)));
        assertEquals("null", TextExcerpt.of(null));
    }

    @Test
    void shouldShowControlCharactersAsQuestionMarks()
    {
        assertEquals("'a?b?c'", TextExcerpt.quoted("a\nb\u001bc"));
    }

    @Test
    void shouldClipAMessageToAFixedLengthAndSayHowMuchWasCut()
    {
        assertEquals("short", TextExcerpt.clip("short", 10));
        assertEquals("0123456789... (5 more characters cut)", TextExcerpt.clip("012345678901234", 10));
    }
}
