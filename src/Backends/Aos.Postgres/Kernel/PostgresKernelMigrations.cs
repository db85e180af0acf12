namespace Aos.Postgres.Kernel;

/// <summary>Holds the versioned schema scripts of the kernel's stores; <c>{schema}</c> stands for the quoted schema name.</summary>
/// <remarks>
/// They follow the rules of <see cref="Storage.PostgresMigrations"/>: a component's version is the number of its scripts applied, and
/// scripts are only ever appended. Ids and keys use the <c>"C"</c> collation, so their order is ordinal, as in the embedded store.
/// </remarks>
internal static class PostgresKernelMigrations
{
    /// <summary>Gets the component name of the agent directory's tables.</summary>
    public const string AgentDirectory = "agent_directory";

    /// <summary>Gets the component name of the agent journal's tables.</summary>
    public const string AgentJournal = "agent_journal";

    /// <summary>Gets the component name of the outbox table.</summary>
    public const string AgentOutbox = "agent_outbox";

    /// <summary>Gets the component name of the processed-message table.</summary>
    public const string AgentProcessed = "agent_processed";

    /// <summary>Gets the component name of the conversation tables.</summary>
    public const string Conversations = "conversations";

    /// <summary>Gets the scripts of every kernel component, in the order they apply.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> All { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [AgentDirectory] =
        [
            """
            CREATE TABLE {schema}.agents (
                id text COLLATE "C" PRIMARY KEY,
                type text COLLATE "C" NOT NULL,
                version text NOT NULL,
                status integer NOT NULL DEFAULT 0,
                status_reason text,
                silo text,
                descriptor jsonb NOT NULL,
                created_at bigint NOT NULL);
            CREATE INDEX agents_type ON {schema}.agents (type, id);
            CREATE INDEX agents_status ON {schema}.agents (status, id);
            CREATE TABLE {schema}.agent_capabilities (
                capability text COLLATE "C" NOT NULL,
                agent_id text COLLATE "C" NOT NULL REFERENCES {schema}.agents (id) ON DELETE CASCADE,
                PRIMARY KEY (capability, agent_id));
            CREATE INDEX agent_capabilities_agent ON {schema}.agent_capabilities (agent_id);
            CREATE TABLE {schema}.agent_subscriptions (
                topic text COLLATE "C" NOT NULL,
                agent_id text COLLATE "C" NOT NULL REFERENCES {schema}.agents (id) ON DELETE CASCADE,
                PRIMARY KEY (topic, agent_id));
            CREATE INDEX agent_subscriptions_agent ON {schema}.agent_subscriptions (agent_id);
            CREATE INDEX agent_subscriptions_wildcard ON {schema}.agent_subscriptions (agent_id)
                WHERE strpos(topic, '*') > 0 OR strpos(topic, '>') > 0;
            """,
            """
            ALTER TABLE {schema}.agents ADD COLUMN tenant text COLLATE "C" NOT NULL DEFAULT 'default';
            CREATE INDEX agents_tenant ON {schema}.agents (tenant, id);
            """,
            """
            ALTER TABLE {schema}.agent_subscriptions
                ADD COLUMN wildcard boolean GENERATED ALWAYS AS (strpos(topic, '*') > 0 OR strpos(topic, '>') > 0) STORED;
            DROP INDEX {schema}.agent_subscriptions_wildcard;
            CREATE INDEX agent_subscriptions_wildcard ON {schema}.agent_subscriptions (agent_id) WHERE wildcard;
            ANALYZE {schema}.agent_subscriptions;
            """,
        ],
        [AgentJournal] =
        [
            """
            CREATE TABLE {schema}.agent_journal_heads (
                agent_id text COLLATE "C" NOT NULL,
                kind integer NOT NULL,
                last_seq bigint NOT NULL,
                PRIMARY KEY (agent_id, kind));
            CREATE TABLE {schema}.agent_journal (
                agent_id text COLLATE "C" NOT NULL,
                kind integer NOT NULL,
                seq bigint NOT NULL,
                at bigint NOT NULL,
                data text NOT NULL,
                PRIMARY KEY (agent_id, kind, seq));
            """,
        ],
        [AgentOutbox] =
        [
            """
            CREATE TABLE {schema}.agent_outbox (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                agent_id text COLLATE "C" NOT NULL,
                envelope text NOT NULL);
            """,
        ],
        [AgentProcessed] =
        [
            """
            CREATE TABLE {schema}.agent_processed (
                agent_id text COLLATE "C" NOT NULL,
                message_id text COLLATE "C" NOT NULL,
                at bigint NOT NULL,
                PRIMARY KEY (agent_id, message_id));
            CREATE INDEX agent_processed_at ON {schema}.agent_processed (at);
            """,
        ],
        [Conversations] =
        [
            """
            CREATE TABLE {schema}.conversations (
                id text COLLATE "C" PRIMARY KEY,
                status text NOT NULL,
                participants jsonb NOT NULL,
                required jsonb NOT NULL,
                signoffs jsonb NOT NULL,
                next_seq bigint NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL);
            CREATE TABLE {schema}.conversation_messages (
                conversation_id text COLLATE "C" NOT NULL,
                seq bigint NOT NULL,
                message_id text COLLATE "C" NOT NULL,
                type text NOT NULL,
                source text,
                target text,
                topic text,
                at bigint NOT NULL,
                PRIMARY KEY (conversation_id, seq),
                UNIQUE (conversation_id, message_id));
            """,
            "CREATE INDEX conversations_updated ON {schema}.conversations (updated_at);",
        ],
    };
}
