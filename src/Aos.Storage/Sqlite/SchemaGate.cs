namespace Aos.Storage.Sqlite;

/// <summary>Makes a component wait for its schema before its first statement, at the cost of one field read afterwards.</summary>
internal sealed class SchemaGate(SqliteDatabase database, string component, IReadOnlyList<string> migrations)
{
    private Task? _ready;

    /// <summary>Gets the database the schema lives in.</summary>
    public SqliteDatabase Database => database;

    /// <summary>Waits until the component's schema is current, retrying a migration that failed before.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        return ready is { IsCompletedSuccessfully: true } ? default : new ValueTask(Start(cancellationToken));
    }

    private Task Start(CancellationToken cancellationToken)
    {
        var task = database.EnsureSchemaAsync(component, migrations, CancellationToken.None);
        _ready = task;
        return task.WaitAsync(cancellationToken);
    }
}
