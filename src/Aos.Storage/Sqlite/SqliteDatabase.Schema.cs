using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    private readonly Dictionary<string, Task> _schemas = new(StringComparer.Ordinal);
    private readonly Lock _schemasLock = new();

    /// <summary>Brings a component's tables up to date by running the migrations it has not run yet, once per database.</summary>
    /// <param name="component">The component's name, which keys its version in the <c>schema_version</c> table.</param>
    /// <param name="migrations">
    /// The component's migrations in order: migration <c>i</c> takes the schema from version <c>i</c> to <c>i + 1</c>.
    /// Append new migrations; never edit or reorder shipped ones. Each runs in the writer's transaction, so a failed migration changes nothing.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; it stops the wait, not the migration.</param>
    /// <returns>A task that completes when the component's schema is current.</returns>
    /// <exception cref="AosException">The database holds a newer schema for the component than <paramref name="migrations"/> describes.</exception>
    public Task EnsureSchemaAsync(string component, IReadOnlyList<string> migrations, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentNullException.ThrowIfNull(migrations);
        Task task;
        lock (_schemasLock)
        {
            if (!_schemas.TryGetValue(component, out task!) || task.IsFaulted || task.IsCanceled)
            {
                task = WriteAsync(connection => Migrate(connection, component, migrations), CancellationToken.None);
                _schemas[component] = task;
            }
        }

        return task.WaitAsync(cancellationToken);
    }

    private int Migrate(SqliteConnection connection, string component, IReadOnlyList<string> migrations)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM schema_version WHERE component = $component;";
        read.Parameters.AddWithValue("$component", component);
        var current = read.ExecuteScalar() is long version ? (int)version : 0;
        if (current > migrations.Count)
        {
            throw new AosException(
                $"The database '{DatabasePath}' holds version {current} of the '{component}' schema, but this build of AOS knows only up to version {migrations.Count}. " +
                "Upgrade AOS, or point it at another data directory.");
        }

        for (var i = current; i < migrations.Count; i++)
        {
            using var migrate = connection.CreateCommand();
            migrate.CommandText = migrations[i];
            migrate.ExecuteNonQuery();
        }

        if (current < migrations.Count)
        {
            using var write = connection.CreateCommand();
            write.CommandText =
                "INSERT INTO schema_version (component, version) VALUES ($component, $version) " +
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version;";
            write.Parameters.AddWithValue("$component", component);
            write.Parameters.AddWithValue("$version", migrations.Count);
            write.ExecuteNonQuery();
            Log.SchemaMigrated(_logger, component, current, migrations.Count, DatabasePath);
        }

        return migrations.Count;
    }
}
