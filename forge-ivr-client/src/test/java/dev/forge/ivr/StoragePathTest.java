package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoragePathTest {

    @ParameterizedTest
    @EnumSource(StoragePath.Root.class)
    void everyLongAndShortAliasIsKnown(StoragePath.Root root) {
        StoragePath longForm = StoragePath.parse("file", root.longAlias() + "/a/b.wav");
        assertEquals(root, longForm.root());
        assertEquals("a/b.wav", longForm.path());
        assertFalse(longForm.shortForm());
        assertEquals(root.longAlias() + "/a/b.wav", longForm.text());
        if (root.shortAlias() != null) {
            StoragePath shortForm = StoragePath.parse("file", root.shortAlias() + "/a/b.wav");
            assertEquals(root, shortForm.root());
            assertTrue(shortForm.shortForm());
        }
    }

    @Test
    void theSeedsAliasPairs() {
        assertEquals(StoragePath.Root.SYNC_COMMON, StoragePath.parse("f", ":SYN_MEDIA/x").root());
        assertEquals(StoragePath.Root.SYNC_DOMAIN_DATA, StoragePath.parse("f", ":SYN_DOM/x").root());
        assertEquals(StoragePath.Root.SYNC_DOMAIN_COMMON, StoragePath.parse("f", ":SYN_DOM_MEDIA/x").root());
        assertEquals(StoragePath.Root.SITESHARE_PUBLIC, StoragePath.parse("f", ":SS_PUB/x").root());
        assertEquals(StoragePath.Root.SITESHARE_DOMAIN_DATA, StoragePath.parse("f", ":SS_DOM/x").root());
        assertEquals(StoragePath.Root.GLOBALSHARE_PUBLIC, StoragePath.parse("f", ":GS_PUB/x").root());
        assertEquals(StoragePath.Root.GLOBALSHARE_DOMAIN_DATA, StoragePath.parse("f", ":GS_DOM/x").root());
        assertEquals(StoragePath.Root.TEMP, StoragePath.parse("f", ":TEMP/ivr_records/a.wav").root());
    }

    @Test
    void aPathWithoutAnAliasIsRelativeToTheStandardStorage() {
        StoragePath p = StoragePath.parse("file", "prompts/welcome.wav");
        assertEquals(StoragePath.Root.SYNC_DOMAIN_DATA, p.root());
        assertNull(p.alias());
        assertEquals("prompts/welcome.wav", p.text());
        assertEquals(":GS_PUB", StoragePath.parse("destpath", ":GS_PUB").text());
    }

    @Test
    void errorsNameTheFieldTheValueAndTheFix() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> StoragePath.parse("destpath", ":GS_PUBLIC/a/"));
        assertEquals("destpath: unknown storage alias ':GS_PUBLIC' in ':GS_PUBLIC/a/'; use one of :SYNC_COMMON"
                + " (:SYN_MEDIA), :SYNC_DOMAIN_DATA (:SYN_DOM), :SYNC_DOMAIN_COMMON (:SYN_DOM_MEDIA), :SITESHARE_PUBLIC"
                + " (:SS_PUB), :SITESHARE_DOMAIN_DATA (:SS_DOM), :GLOBALSHARE_PUBLIC (:GS_PUB),"
                + " :GLOBALSHARE_DOMAIN_DATA (:GS_DOM), :TEMP, or a path without an alias (relative to"
                + " :SYNC_DOMAIN_DATA)", typo.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StoragePath.parse("file", ":gs_pub/a.wav"))
                .getMessage().contains("(aliases are upper case: did you mean :GS_PUB?)"));
        assertEquals("file: a file path is required, got ' '; e.g. :GS_PUB/prompts/welcome.wav",
                assertThrows(IllegalArgumentException.class, () -> StoragePath.parse("file", " ")).getMessage());
        assertEquals("file: a file path is required, got null; e.g. :GS_PUB/prompts/welcome.wav",
                assertThrows(IllegalArgumentException.class, () -> StoragePath.parse("file", null)).getMessage());
    }
}
