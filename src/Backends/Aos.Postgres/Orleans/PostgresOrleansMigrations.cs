namespace Aos.Postgres.Orleans;

/// <summary>Holds the versioned schema scripts of the Orleans providers; <c>{schema}</c> stands for the quoted schema name.</summary>
/// <remarks>
/// Applied like the stores' scripts (<see cref="Storage.PostgresMigrations"/>): under the schema's advisory lock, recorded in
/// <c>aos_schema</c>, only ever appended. Rows are keyed by the cluster's service id, so clusters may share a schema.
/// </remarks>
internal static class PostgresOrleansMigrations
{
    /// <summary>Gets the component name of the grain state table.</summary>
    public const string GrainState = "orleans_grain_state";

    /// <summary>Gets the component name of the reminder table.</summary>
    public const string Reminders = "orleans_reminders";

    /// <summary>Gets the scripts of every component, in the order they apply.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> All { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [GrainState] =
        [
            """
            CREATE TABLE {schema}.orleans_grain_state (
                service_id text NOT NULL,
                provider text NOT NULL,
                state_name text NOT NULL,
                grain_id text COLLATE "C" NOT NULL,
                version bigint NOT NULL,
                data bytea,
                modified_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (service_id, provider, state_name, grain_id));
            """,

            // The rows cleared states leave (version, no data), by when they were cleared, for the sweep.
            """
            CREATE INDEX orleans_grain_state_cleared ON {schema}.orleans_grain_state (modified_at) WHERE data IS NULL;
            """,
        ],
        [Reminders] =
        [
            """
            CREATE SEQUENCE {schema}.orleans_reminder_etags;
            CREATE TABLE {schema}.orleans_reminders (
                service_id text NOT NULL,
                grain_id text COLLATE "C" NOT NULL,
                name text COLLATE "C" NOT NULL,
                grain_hash bigint NOT NULL,
                start_at timestamptz NOT NULL,
                period interval NOT NULL,
                etag bigint NOT NULL,
                PRIMARY KEY (service_id, grain_id, name));
            CREATE INDEX orleans_reminders_ring ON {schema}.orleans_reminders (service_id, grain_hash);
            """,
        ],
    };
}
