using Aos.Governance.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Tests.Audit;

public sealed class AuditArchiverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ArchiveOnce_MovesEntriesPastTheRetentionToAFile_AndBothPartsStillVerify()
    {
        await using var fixture = new AuditLogFixture();
        var directory = Path.Combine(Path.GetDirectoryName(fixture.Options.DatabasePath)!, "archive");
        fixture.Options.Retention = TimeSpan.FromDays(30);
        fixture.Options.ArchiveDirectory = directory;
        var archiver = new AuditArchiver(fixture.Log, Options.Create(fixture.Options), fixture.Time, NullLogger<AuditArchiver>.Instance);
        await fixture.AppendAsync(150, Ct);
        fixture.Time.Advance(TimeSpan.FromDays(31));
        await fixture.AppendAsync(60, Ct);

        var (archived, file) = await archiver.ArchiveOnceAsync(Ct);

        Assert.Equal(150, archived);
        Assert.Equal([file], Directory.GetFiles(directory));
        await using (var stream = File.OpenRead(file!))
        {
            var offline = await AuditVerifier.VerifyJsonLinesAsync(stream, AuditVerifier.LoadKeys(fixture.Options.KeyDirectory), Ct);
            Assert.True(offline.Ok, offline.Detail);
            Assert.Equal(150, offline.EntriesChecked);
        }

        var live = await fixture.Log.VerifyAsync(Ct);
        Assert.True(live.Ok, live.Detail);
        Assert.Equal(60, live.EntriesChecked);

        // Nothing more is past the retention: no second file.
        Assert.Equal((0L, (string?)null), await archiver.ArchiveOnceAsync(Ct));
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task ArchiveOnce_WithoutRetention_ArchivesNothing()
    {
        await using var fixture = new AuditLogFixture();
        var archiver = new AuditArchiver(fixture.Log, Options.Create(fixture.Options), fixture.Time, NullLogger<AuditArchiver>.Instance);
        await fixture.AppendAsync(10, Ct);
        fixture.Time.Advance(TimeSpan.FromDays(3650));

        Assert.Equal((0L, (string?)null), await archiver.ArchiveOnceAsync(Ct));
        Assert.Equal(10, (await fixture.Log.VerifyAsync(Ct)).EntriesChecked);
    }

    [Fact]
    public void AddAosAuditLog_RegistersTheArchiver()
    {
        var services = new ServiceCollection().AddAosAuditLog(o => (o.DatabasePath, o.KeyDirectory) = ("audit.db", "keys"));

        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AuditArchiver));
    }

    [Theory]
    [InlineData(0, "archive", "Retention must be positive")]
    [InlineData(1, "", "ArchiveDirectory is required with Retention")]
    public void Options_WithABadRetention_AreRefusedNamingTheOption(int days, string directory, string expected)
    {
        var options = new AuditLogOptions { DatabasePath = "audit.db", KeyDirectory = "keys", Retention = TimeSpan.FromDays(days), ArchiveDirectory = directory };

        Assert.Contains(expected, Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
    }
}
