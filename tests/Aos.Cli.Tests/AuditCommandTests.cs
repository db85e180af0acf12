using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Audit;
using Aos.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Cli.Tests;

/// <summary>Tampers with the real stored audit log of a running server, through SQLite directly, and runs <c>aos audit verify</c> against it.</summary>
public sealed class AuditCommandTests
{
    private const int Entries = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_UntouchedLog_IsOk_TailListsAndExportVerifiesOffline()
    {
        await using var server = await StartWithEntriesAsync();
        using var files = new TempFiles();
        var export = files.Missing("audit.jsonl");

        var verified = await Cli.RunAsync(server.Address, "audit", "verify");
        var tail = await Cli.RunAsync(server.Address, "audit", "tail", "--actor", "user-1", "--limit", "2");
        var critical = await Cli.RunAsync(server.Address, "audit", "tail", "--level", "critical", "--json");
        var exported = await Cli.RunAsync(server.Address, "audit", "export", export.FullName);
        var again = await Cli.RunAsync(server.Address, "audit", "export", export.FullName);

        verified.AssertExitCode(ExitCodes.Success);
        Assert.Equal($"ok: {Entries} entries verified", verified.Output.Trim());
        tail.AssertExitCode(ExitCodes.Success);
        Assert.Matches(@"(?m)^1\s+\S+\s+user-1\s+", tail.Output);
        Assert.Contains("more: add --after 4", tail.Output, StringComparison.Ordinal);
        Assert.Equal(["critical"], JsonNode.Parse(critical.Output)!["items"]!.AsArray().Select(e => e!["level"]!.GetValue<string>()).Distinct());
        exported.AssertExitCode(ExitCodes.Success);
        await using (var stream = File.OpenRead(export.FullName))
        {
            var offline = await AuditVerifier.VerifyJsonLinesAsync(stream, AuditVerifier.LoadKeys(AosHostingExtensions.AuditKeyDirectory(server.DataDirectory)), Ct);
            // The CLI's own verify call was audited too: the export holds it after the written entries.
            Assert.True(offline.Ok, offline.ToString());
            Assert.True(offline.EntriesChecked >= Entries, offline.ToString());
        }

        again.AssertExitCode(ExitCodes.Usage);
    }

    [Theory]
    [InlineData("field", 7, AuditProblems.HashMismatch)]
    [InlineData("delete", 8, AuditProblems.ChainBroken)]
    [InlineData("swap", 5, AuditProblems.ChainBroken)]
    [InlineData("truncate", 16, AuditProblems.TailTruncated)]
    [InlineData("rechain", 20, AuditProblems.CheckpointMismatch)]
    public async Task Verify_TamperedLog_ExitsNonZero_NamingTheEntryAndTheReason(string tampering, long firstBad, string problem)
    {
        await using var server = await StartWithEntriesAsync();
        using (var connection = Open(server))
        {
            switch (tampering)
            {
                case "field":
                    Execute(connection, "UPDATE audit_entries SET outcome = 'denied' WHERE seq = 7");
                    break;
                case "delete":
                    Execute(connection, "DELETE FROM audit_entries WHERE seq = 7");
                    break;
                case "swap":
                    Execute(connection, "UPDATE audit_entries SET seq = -1 WHERE seq = 5; UPDATE audit_entries SET seq = 5 WHERE seq = 9; UPDATE audit_entries SET seq = 9 WHERE seq = -1;");
                    break;
                case "truncate":
                    Execute(connection, "DELETE FROM audit_entries WHERE seq > 15");
                    break;
                default:
                    Execute(connection, "UPDATE audit_entries SET actor = 'nobody' WHERE seq = 7");
                    Rechain(connection);
                    break;
            }
        }

        // Verifying is itself a system call and is audited, so each run adds an entry: the first run sees the log as tampered.
        var result = await Cli.RunAsync(server.Address, "audit", "verify");
        var json = await Cli.RunAsync(server.Address, "audit", "verify", "--json");

        result.AssertExitCode(ExitCodes.AuditTampered);
        Assert.Contains($"the audit log does not verify: entry {firstBad}: {problem}", result.Error, StringComparison.Ordinal);
        json.AssertExitCode(ExitCodes.AuditTampered);
        var verification = JsonNode.Parse(json.Output)!;
        Assert.False(verification["ok"]!.GetValue<bool>());
        Assert.True(verification["firstBad"]!.GetValue<long>() <= Math.Max(firstBad, Entries + 1), json.Output);
    }

    /// <summary>Starts a server and writes entries through its audit log, then a signed checkpoint for the newest one.</summary>
    private static async Task<ServerFixture> StartWithEntriesAsync()
    {
        var server = new ServerFixture();
        await server.InitializeAsync();
        var records = Enumerable.Range(1, Entries).Select(i => new AuditRecord
        {
            Tenant = "default",
            Actor = $"user-{i % 3}",
            Action = i % 2 == 0 ? "agents.spawn" : "messages.send",
            Resource = $"agent/{i}",
            Outcome = "allowed",
            Level = i % 5 == 0 ? AuditLevel.Critical : AuditLevel.Info,
            Context = JsonDocument.Parse($$"""{"n":{{i}},"note":"é <b>"}""").RootElement,
        }).ToArray();
        await server.Services.GetRequiredService<IAuditLog>().AppendManyAsync(records, Ct);
        await server.Services.GetRequiredService<SqliteAuditLog>().CheckpointAsync(Ct);
        return server;
    }

    private static SqliteConnection Open(ServerFixture server)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = AosHostingExtensions.AuditDatabasePath(server.DataDirectory), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0, $"'{sql}' changed nothing.");
    }

    /// <summary>Recomputes every hash from the genesis, as someone with the algorithm but without the checkpoint key would.</summary>
    private static void Rechain(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        var rows = new List<(long Seq, long Time, string Tenant, string Actor, string Action, string Resource, string Outcome, int Level, string Context)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT seq, time, tenant, actor, action, resource, outcome, level, context FROM audit_entries ORDER BY seq";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetString(8)));
            }
        }

        var previous = new byte[32];
        foreach (var row in rows)
        {
            // SHA-256 over the previous hash's bytes, then the entry's canonical JSON without its hash (keys in ordinal order).
            var buffer = new ArrayBufferWriter<byte>();
            buffer.Write(previous);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("action", row.Action);
                writer.WriteString("actor", row.Actor);
                writer.WritePropertyName("context");
                writer.WriteRawValue(row.Context, skipInputValidation: true);
                writer.WriteNumber("id", row.Seq);
                writer.WriteString("level", ((AuditLevel)row.Level).ToString().ToLowerInvariant());
                writer.WriteString("outcome", row.Outcome);
                writer.WriteString("previousHash", Convert.ToHexStringLower(previous));
                writer.WriteString("resource", row.Resource);
                writer.WriteString("tenant", row.Tenant);
                writer.WriteString("time", new DateTime(row.Time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            var hash = SHA256.HashData(buffer.WrittenSpan);
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_entries SET prev_hash = $p, hash = $h WHERE seq = $s";
            update.Parameters.AddWithValue("$p", previous);
            update.Parameters.AddWithValue("$h", hash);
            update.Parameters.AddWithValue("$s", row.Seq);
            update.ExecuteNonQuery();
            previous = hash;
        }

        transaction.Commit();
    }
}
