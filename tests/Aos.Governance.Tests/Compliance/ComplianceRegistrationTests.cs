using Aos.Governance.Audit;
using Aos.Governance.Compliance;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Governance.Tests.Compliance;

/// <summary>AddAosGovernance registers the compliance service, which takes the audit log only when one is registered.</summary>
public sealed class ComplianceRegistrationTests : IAsyncDisposable
{
    private readonly SqliteGovernanceStore _store = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-compliance-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task AddAosGovernance_WithoutAuditLog_ResolvesAServiceThatCannotSummarise()
    {
        await using var provider = new ServiceCollection().AddSingleton(_store.Catalog).AddAosGovernance().BuildServiceProvider();

        var compliance = provider.GetRequiredService<ComplianceService>();

        Assert.Same(compliance, provider.GetRequiredService<ComplianceService>());
        Assert.False(compliance.HasAuditLog);
        Assert.Equal(2, (await compliance.ListFrameworksAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task AddAosGovernance_WithAuditLog_RegisteredAfterwards_UsesIt()
    {
        var services = new ServiceCollection().AddSingleton(_store.Catalog).AddAosGovernance();
        services.AddAosAuditLog(o => (o.DatabasePath, o.KeyDirectory) = (Path.Combine(_directory, "audit.db"), Path.Combine(_directory, "keys")));
        await using var provider = services.BuildServiceProvider();

        Assert.True(provider.GetRequiredService<ComplianceService>().HasAuditLog);
    }
}
