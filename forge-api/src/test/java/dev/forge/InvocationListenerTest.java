package dev.forge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InvocationListenerTest {

    private static final InvocationListener.InvocationEvent EVENT = new InvocationListener.InvocationEvent(
            Script.of("acme", "r.js", ScriptKind.SCRIPT, "function main(d) { return d; }"), "call-1",
            new Outcome.Ok("{}", 12), 3, 9, false);

    @Test
    void allCallsEachInTurnEvenAfterOneThrows() {
        List<String> heard = new ArrayList<>();
        InvocationListener all = InvocationListener.all(
                e -> heard.add("first " + e.callId()),
                e -> {
                    throw new IllegalStateException("a faulty listener");
                },
                e -> heard.add("third " + e.outcome().name()));
        all.onInvocation(EVENT);
        assertEquals(List.of("first call-1", "third ok"), heard);
    }

    @Test
    void allOfOneIsThatOne() {
        InvocationListener one = e -> { };
        assertSame(one, InvocationListener.all(one));
    }

    @Test
    void aMissingListenerIsNamed() {
        assertEquals("listeners[1]", assertThrows(NullPointerException.class,
                () -> InvocationListener.all(e -> { }, null)).getMessage());
    }
}
