namespace Aos.Postgres.Storage;

/// <summary>Holds the versioned schema scripts of each store kind; <c>{schema}</c> stands for the quoted schema name.</summary>
/// <remarks>
/// A component's version in <c>aos_schema</c> is the number of its scripts applied. Scripts are only ever appended: a change to a
/// released table is a new script, never an edit of an old one, so every node reaches the same schema whatever version it starts from.
/// </remarks>
internal static class PostgresMigrations
{
    /// <summary>Gets the component name of the blob tables.</summary>
    public const string Blobs = "blobs";

    /// <summary>Gets the component name of the table-store table.</summary>
    public const string Tables = "tables";

    /// <summary>Gets the component name of the queue table.</summary>
    public const string Queues = "queues";

    /// <summary>Gets the component name of the document table.</summary>
    public const string Documents = "documents";

    /// <summary>Gets the scripts of every component, in the order they apply.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> All { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Blobs] =
        [
            """
            CREATE TABLE {schema}.blobs (
                store text NOT NULL,
                name text COLLATE "C" NOT NULL,
                version uuid NOT NULL,
                etag text NOT NULL,
                length bigint NOT NULL,
                content_type text NOT NULL,
                metadata jsonb NOT NULL,
                modified_at timestamptz NOT NULL,
                PRIMARY KEY (store, name));
            CREATE TABLE {schema}.blob_chunks (
                store text NOT NULL,
                name text COLLATE "C" NOT NULL,
                version uuid NOT NULL,
                index integer NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (store, name, version, index));
            """,
        ],
        [Tables] =
        [
            """
            CREATE TABLE {schema}.table_entities (
                store text NOT NULL,
                pk text COLLATE "C" NOT NULL,
                rk text COLLATE "C" NOT NULL,
                props jsonb NOT NULL,
                etag text NOT NULL,
                modified_at timestamptz NOT NULL,
                PRIMARY KEY (store, pk, rk));
            """,
        ],
        [Queues] =
        [
            """
            CREATE TABLE {schema}.queue_messages (
                id uuid PRIMARY KEY,
                store text NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                body text NOT NULL,
                inserted_at bigint NOT NULL,
                visible_at bigint NOT NULL,
                dequeue_count integer NOT NULL DEFAULT 0,
                pop_receipt text,
                dead_at bigint);
            CREATE INDEX queue_messages_visible ON {schema}.queue_messages (store, visible_at, seq) WHERE dead_at IS NULL;
            CREATE INDEX queue_messages_dead ON {schema}.queue_messages (store, dead_at, seq) WHERE dead_at IS NOT NULL;
            """,
        ],
        [Documents] =
        [
            """
            CREATE TABLE {schema}.documents (
                store text NOT NULL,
                collection text NOT NULL,
                pk text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                doc jsonb NOT NULL,
                etag text NOT NULL,
                modified_at timestamptz NOT NULL,
                PRIMARY KEY (store, collection, pk, id));
            """,
        ],
    };
}
