package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * A request the client sends. Each carries a {@link Qid} that the platform echoes in the matching
 * {@code <name>_result} {@link IvrReply}. Requests about a controlled IVR session carry its {@code key} and
 * {@code ivrid} from the {@code ivrevents.api_start} event.
 *
 * @since 0.1.0
 */
public sealed interface IvrRequest extends IvrFrame {

    Qid qid();

    /** The name of the reply to this request, {@code <name>_result}. */
    default String replyName() {
        return name() + "_result";
    }

    /**
     * A request about one controlled IVR session, naming it by the {@code key} and {@code ivrid} of its
     * api_start. ({@code file_upload_static} names none: both are null.)
     */
    sealed interface SessionRequest extends IvrRequest {
        String key();

        String ivrid();
    }

    /** {@code ["connection_info", {"qid"}]}. */
    record ConnectionInfo(Qid qid, Map<String, JsonNode> extra) implements IvrRequest {
        public ConnectionInfo {
            Objects.requireNonNull(qid, "qid");
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return "connection_info";
        }
    }

    /**
     * {@code ["subscribe", {"qid", "class", "id", "expires"}]}: subscribe to an event class for {@code expires}
     * seconds; the same id renews, {@code expires} 0 unsubscribes.
     */
    record Subscribe(Qid qid, String eventClass, String id, long expires, Map<String, JsonNode> extra)
            implements IvrRequest {
        public Subscribe {
            Objects.requireNonNull(qid, "qid");
            Extra.require(eventClass, "eventClass");
            Extra.require(id, "id");
            if (expires < 0) {
                throw new IllegalArgumentException("expires must be >= 0 seconds, got " + expires);
            }
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return "subscribe";
        }
    }

    /** The commands that name a session and nothing else: accept, reaccept, abort, component terminate. */
    enum Command {
        ACCEPT("ivrapi_accept"),
        REACCEPT("ivrapi_reaccept"),
        ABORT("ivrapi_abort"),
        COMPONENT_TERMINATE("ivrapi_component_terminate");

        private final String wireName;

        Command(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Command byWireName(String name) {
            for (Command c : values()) {
                if (c.wireName.equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** {@code ["ivrapi_accept" | "ivrapi_reaccept" | "ivrapi_abort" | "ivrapi_component_terminate", {"qid", "key", "ivrid"}]}. */
    record SessionCommand(Command command, Qid qid, String key, String ivrid, Map<String, JsonNode> extra)
            implements SessionRequest {
        public SessionCommand {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(qid, "qid");
            Extra.require(key, "key");
            Extra.require(ivrid, "ivrid");
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return command.wireName();
        }
    }

    /** {@code ["ivrapi_component_apply", {"qid", "key", "ivrid", "data": {"oType": 204, ...}}]}. */
    record ComponentApply(Qid qid, String key, String ivrid, ObjectNode data, Map<String, JsonNode> extra)
            implements SessionRequest {
        public ComponentApply {
            Objects.requireNonNull(qid, "qid");
            Extra.require(key, "key");
            Extra.require(ivrid, "ivrid");
            data = Extra.canonical(Objects.requireNonNull(data, "data"));
            extra = Extra.copy(extra);
        }

        @Override
        public ObjectNode data() {
            return data.deepCopy();
        }

        @Override
        public String name() {
            return "ivrapi_component_apply";
        }
    }

    /** {@code ["ivrapi_file_get_path", {"qid", "key", "ivrid", "path"}]}: a public link to a script file. */
    record FileGetPath(Qid qid, String key, String ivrid, String path, Map<String, JsonNode> extra)
            implements SessionRequest {
        public FileGetPath {
            Objects.requireNonNull(qid, "qid");
            Extra.require(key, "key");
            Extra.require(ivrid, "ivrid");
            Extra.require(path, "path");
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return "ivrapi_file_get_path";
        }
    }

    /** {@code ["ivrapi_file_upload_temp", {"qid", "key", "ivrid", "url"}]}: fetch a URL into the script's temp folder. */
    record FileUploadTemp(Qid qid, String key, String ivrid, String url, Map<String, JsonNode> extra)
            implements SessionRequest {
        public FileUploadTemp {
            Objects.requireNonNull(qid, "qid");
            Extra.require(key, "key");
            Extra.require(ivrid, "ivrid");
            Extra.require(url, "url");
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return "ivrapi_file_upload_temp";
        }
    }

    /**
     * {@code ["ivrapi_file_upload_static", {"qid", "key", "ivrid", "url", "destpath"}]} or, with no session
     * ({@code key} and {@code ivrid} null), {@code ["file_upload_static", {"qid", "url", "destpath"}]}.
     */
    record FileUploadStatic(Qid qid, String key, String ivrid, String url, String destpath,
                            Map<String, JsonNode> extra) implements SessionRequest {
        public FileUploadStatic {
            Objects.requireNonNull(qid, "qid");
            if ((key == null) != (ivrid == null)) {
                throw new IllegalArgumentException("key and ivrid must both be set (ivrapi_file_upload_static) or"
                        + " both be null (file_upload_static), got key=" + key + ", ivrid=" + ivrid);
            }
            Extra.require(url, "url");
            Extra.require(destpath, "destpath");
            extra = Extra.copy(extra);
        }

        /** True for {@code file_upload_static}, which names no session. */
        public boolean sessionless() {
            return ivrid == null;
        }

        @Override
        public String name() {
            return sessionless() ? "file_upload_static" : "ivrapi_file_upload_static";
        }
    }
}
