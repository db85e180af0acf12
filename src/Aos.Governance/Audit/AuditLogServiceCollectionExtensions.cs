using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Aos.Governance.Audit;

/// <summary>Registers the audit log.</summary>
public static class AuditLogServiceCollectionExtensions
{
    /// <summary>Adds the SQLite audit log as the <see cref="IAuditLog"/>, with its options validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options: at least the database path and the key directory.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddAosAuditLog(this IServiceCollection services, Action<AuditLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AuditLogOptions>().Configure(configure).Validate(
            options =>
            {
                options.Validate();
                return true;
            }).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteAuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditArchiver>());
        return services;
    }
}
