using System.Text.Json;
using Aos.Governance.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Governance.Tests.Audit;

/// <summary>A real audit log in a temporary directory, and a raw connection to tamper with its file.</summary>
internal sealed class AuditLogFixture : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-audit-" + Guid.NewGuid().ToString("N"));

    public AuditLogFixture(int checkpointEvery = 100)
    {
        Options = new AuditLogOptions
        {
            DatabasePath = Path.Combine(_directory, "audit.db"),
            KeyDirectory = Path.Combine(_directory, "keys"),
            CheckpointEvery = checkpointEvery,
        };
        Log = new SqliteAuditLog(Options, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    public AuditLogOptions Options { get; }

    public SqliteAuditLog Log { get; private set; }

    public static AuditRecord Record(int i, string? actor = null, AuditLevel level = AuditLevel.Info) => new()
    {
        Tenant = i % 2 == 0 ? "acme" : "globex",
        Actor = actor ?? $"user-{i % 3}",
        Action = i % 4 == 0 ? "agents.spawn" : "messages.send",
        Resource = $"agent/{i}",
        Outcome = "allowed",
        Level = level,
        Context = JsonDocument.Parse($$"""{"z":{"b":2,"a":[1,"x"]},"n":{{i}}}""").RootElement,
    };

    public async Task AppendAsync(int count, CancellationToken cancellationToken)
    {
        var records = Enumerable.Range(1, count).Select(i => Record(i)).ToArray();
        await Log.AppendManyAsync(records, cancellationToken);
    }

    public async Task ReopenAsync()
    {
        await Log.DisposeAsync();
        Log = new SqliteAuditLog(Options, Time);
    }

    public int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Options.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
