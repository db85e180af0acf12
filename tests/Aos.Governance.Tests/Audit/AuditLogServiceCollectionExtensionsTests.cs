using Aos.Governance.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Tests.Audit;

public sealed class AuditLogServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAosAuditLog_ResolvesOneSqliteLog()
    {
        var directory = Path.Combine(Path.GetTempPath(), "aos-audit-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = new ServiceCollection()
                .AddAosAuditLog(o => (o.DatabasePath, o.KeyDirectory) = (Path.Combine(directory, "audit.db"), Path.Combine(directory, "keys")))
                .BuildServiceProvider())
            {
                Assert.Same(provider.GetRequiredService<SqliteAuditLog>(), provider.GetRequiredService<IAuditLog>());
            }

            await using var invalid = new ServiceCollection().AddAosAuditLog(_ => { }).BuildServiceProvider();
            var error = Assert.Throws<ArgumentException>(() => invalid.GetRequiredService<IOptions<AuditLogOptions>>().Value);
            Assert.Contains("DatabasePath", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
