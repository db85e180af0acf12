using Aos.Governance.Audit;
using Microsoft.Data.Sqlite;

namespace Aos.Governance.Tests.Audit;

/// <summary>Tampers with the real stored log through a second connection and expects verification to name the entry.</summary>
public sealed class AuditTamperTests
{
    [Fact]
    public async Task VerifyAsync_UntouchedLog_IsOk()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        var verification = await fixture.Log.VerifyAsync(ct);

        Assert.Equal(new AuditVerification(true, 250, null, null, null), verification);
    }

    [Fact]
    public async Task VerifyAsync_OneFieldChanged_ReportsHashMismatchAtThatEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_entries SET outcome = 'denied' WHERE seq = 42");

        AssertBad(await fixture.Log.VerifyAsync(ct), 42, AuditProblems.HashMismatch);
    }

    [Fact]
    public async Task VerifyAsync_RowDeleted_ReportsChainBrokenAtTheNextEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("DELETE FROM audit_entries WHERE seq = 42");

        var verification = await fixture.Log.VerifyAsync(ct);
        AssertBad(verification, 43, AuditProblems.ChainBroken);
        Assert.Contains("42", verification.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_TailCutAfterACleanStop_ReportsTailTruncated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture(checkpointEvery: 100);
        await fixture.AppendAsync(150, ct);

        // Stopping signs the last entry, which is not on the cadence of 100: cutting it afterwards is caught.
        await fixture.ReopenAsync();
        fixture.Execute("DELETE FROM audit_entries WHERE seq = 150");

        AssertBad(await fixture.Log.VerifyAsync(ct), 150, AuditProblems.TailTruncated);
    }

    [Fact]
    public async Task VerifyAsync_RowMovedFarAhead_ReportsChainBrokenWithoutVisitingTheGap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(20_000, ct);

        // Sequence numbers are cut into ranges for parallel readers; a forged number far ahead must not make them walk to it.
        fixture.Execute("UPDATE audit_entries SET seq = 1000000000000000 WHERE seq = 15000");

        AssertBad(await fixture.Log.VerifyAsync(ct), 15001, AuditProblems.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_ChangeInTheSecondReadersRange_ReportsThatEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(30_000, ct);

        // Ranges of 8,192 entries go to the readers in turn: entry 9,000 is in the second range, entry 20,000 in the third.
        fixture.Execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq IN (9000, 20000)");

        AssertBad(await fixture.Log.VerifyAsync(ct), 9000, AuditProblems.HashMismatch);
    }

    [Fact]
    public async Task VerifyAsync_TwoRowsSwapped_ReportsChainBrokenAtTheFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        // Each row takes the other's place, hashes and all: the order is what changed.
        fixture.Execute("""
            UPDATE audit_entries SET seq = -1 WHERE seq = 10;
            UPDATE audit_entries SET seq = 10 WHERE seq = 20;
            UPDATE audit_entries SET seq = 20 WHERE seq = -1;
            """);

        AssertBad(await fixture.Log.VerifyAsync(ct), 10, AuditProblems.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_TailCutBelowACheckpoint_ReportsTailTruncated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("DELETE FROM audit_entries WHERE seq > 180");

        AssertBad(await fixture.Log.VerifyAsync(ct), 181, AuditProblems.TailTruncated);
    }

    [Fact]
    public async Task VerifyAsync_ChangedAndRechainedWithoutTheKey_ReportsCheckpointMismatch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 42");
        Rechain(fixture);

        var verification = await fixture.Log.VerifyAsync(ct);
        AssertBad(verification, 100, AuditProblems.CheckpointMismatch);
        Assert.Contains("1 to 100", verification.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RechainedAndCheckpointsDeleted_ReportsCheckpointMissing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 42");
        Rechain(fixture);
        fixture.Execute("DELETE FROM audit_checkpoints");

        AssertBad(await fixture.Log.VerifyAsync(ct), 101, AuditProblems.CheckpointMissing);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointForged_ReportsSignatureInvalid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_checkpoints SET signature = $s WHERE seq = 200", ("$s", new string('a', 64)));

        AssertBad(await fixture.Log.VerifyAsync(ct), 200, AuditProblems.CheckpointSignatureInvalid);
    }

    [Fact]
    public async Task RotateCheckpointKeyAsync_OldCheckpointsStillVerify()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(150, ct);
        var oldKey = fixture.Log.CheckpointKeyId;

        var newKey = await fixture.Log.RotateCheckpointKeyAsync(ct);
        await fixture.AppendAsync(100, ct);
        await fixture.ReopenAsync();

        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(newKey, fixture.Log.CheckpointKeyId);
        using (var connection = fixture.OpenRaw())
        {
            Assert.Equal([oldKey, newKey], KeyIds(connection));
        }

        Assert.True((await fixture.Log.VerifyAsync(ct)).Ok);
        Assert.Equal(2, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory).Count);
    }

    [Fact]
    public async Task CheckpointAsync_SignsTheNewestEntry_SoCuttingItIsDetected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(150, ct);

        var checkpoint = await fixture.Log.CheckpointAsync(ct);
        fixture.Execute("DELETE FROM audit_entries WHERE seq = 150");

        Assert.Equal(150, checkpoint!.Id);
        AssertBad(await fixture.Log.VerifyAsync(ct), 150, AuditProblems.TailTruncated);
    }

    [Fact]
    public async Task VerifyAsync_LevelOutOfRange_ReportsHashMismatchAtThatEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_entries SET level = 7 WHERE seq = 42");

        AssertBad(await fixture.Log.VerifyAsync(ct), 42, AuditProblems.HashMismatch);
    }

    [Fact]
    public async Task VerifyAsync_TextNotUtf8_ReportsHashMismatchAtThatEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);

        fixture.Execute("UPDATE audit_entries SET tenant = CAST(X'61FF' AS TEXT) WHERE seq = 42");

        AssertBad(await fixture.Log.VerifyAsync(ct), 42, AuditProblems.HashMismatch);
    }

    [Fact]
    public async Task VerifyAsync_ChangesInSeveralChunks_ReportsTheFirst()
    {
        // More entries than one verification chunk holds: hashes are computed per chunk in parallel, links are checked in order.
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(20_000, ct);
        Assert.Equal(new AuditVerification(true, 20_000, null, null, null), await fixture.Log.VerifyAsync(ct));

        fixture.Execute("""
            UPDATE audit_entries SET outcome = 'denied' WHERE seq = 17001;
            UPDATE audit_entries SET actor = 'mallory' WHERE seq = 9000;
            """);

        AssertBad(await fixture.Log.VerifyAsync(ct), 9000, AuditProblems.HashMismatch);
    }

    private static void AssertBad(AuditVerification verification, long firstBad, string problem)
    {
        Assert.False(verification.Ok);
        Assert.Equal(problem, verification.Problem);
        Assert.Equal(firstBad, verification.FirstBad);
        Assert.Contains(firstBad.ToString(System.Globalization.CultureInfo.InvariantCulture), verification.Detail, StringComparison.Ordinal);
    }

    private static List<string> KeyIds(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id FROM audit_checkpoints GROUP BY key_id ORDER BY MIN(seq)";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Recomputes every hash from the genesis, as an attacker with the algorithm but without the key would.</summary>
    private static void Rechain(AuditLogFixture fixture)
    {
        using var connection = fixture.OpenRaw();
        using var transaction = connection.BeginTransaction();
        var rows = new List<(long Seq, long Time, string[] Fields, AuditLevel Level, string Context)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT seq, time, tenant, actor, action, resource, outcome, level, context FROM audit_entries ORDER BY seq";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1),
                    [reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)],
                    (AuditLevel)reader.GetInt32(7), reader.GetString(8)));
            }
        }

        var hasher = new AuditHasher();
        var previous = new byte[32];
        foreach (var row in rows)
        {
            var hash = new byte[32];
            hasher.Compute(row.Seq, row.Time, row.Fields[0], row.Fields[1], row.Fields[2], row.Fields[3], row.Fields[4], row.Level, row.Context, previous, hash);
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
