using System.Text;
using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Audit;

public sealed class AuditExportTests
{
    [Fact]
    public async Task ExportAsync_JsonLines_VerifiesOfflineWithTheKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);
        using var export = new MemoryStream();

        await fixture.Log.ExportAsync(export, ct);

        var lines = Lines(export);
        Assert.Equal(2 + 250, lines.Count);
        Assert.StartsWith("""{"type":"checkpoint","id":100,""", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("""{"type":"entry","id":1,""", lines[2], StringComparison.Ordinal);
        export.Position = 0;
        var verification = await AuditVerifier.VerifyJsonLinesAsync(export, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory), ct);
        Assert.True(verification.Ok, verification.Detail);
        Assert.Equal(250, verification.EntriesChecked);
    }

    [Fact]
    public async Task VerifyJsonLinesAsync_EditedLine_NamesTheEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(250, ct);
        using var export = new MemoryStream();
        await fixture.Log.ExportAsync(export, ct);
        var lines = Lines(export);

        lines[2 + 41] = lines[2 + 41].Replace("\"allowed\"", "\"denied\"", StringComparison.Ordinal);

        var verification = await VerifyAsync(lines, fixture, ct);
        Assert.Equal((false, 42L, AuditProblems.HashMismatch), (verification.Ok, verification.FirstBad, verification.Problem));
    }

    [Fact]
    public async Task VerifyJsonLinesAsync_WithoutTheKey_RejectsTheCheckpoints()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = new AuditLogFixture();
        await fixture.AppendAsync(150, ct);
        using var export = new MemoryStream();
        await fixture.Log.ExportAsync(export, ct);
        export.Position = 0;

        var verification = await AuditVerifier.VerifyJsonLinesAsync(export, new Dictionary<string, byte[]>(), ct);

        Assert.Equal((false, 100L, AuditProblems.CheckpointSignatureInvalid), (verification.Ok, verification.FirstBad, verification.Problem));
    }

    internal static List<string> Lines(MemoryStream stream) =>
        [.. Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    internal static async Task<AuditVerification> VerifyAsync(IEnumerable<string> lines, AuditLogFixture fixture, CancellationToken ct)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return await AuditVerifier.VerifyJsonLinesAsync(stream, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory), ct);
    }
}
