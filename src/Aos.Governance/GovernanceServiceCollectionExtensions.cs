using Aos.Governance.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aos.Governance;

/// <summary>Registers the governance services.</summary>
public static class GovernanceServiceCollectionExtensions
{
    /// <summary>Adds the governance services: the policy engine with its stored policies (installed and re-read by <see cref="PolicyReloader"/>), the risk registry the decision log (which records agents' decisions) and compliance mapping.</summary>
    /// <remarks>The audit log has its own registration, <see cref="Audit.AuditLogServiceCollectionExtensions.AddAosAuditLog"/>, since it needs a file.</remarks>
    /// <param name="services">The services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddAosGovernance(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PolicyEngineOptions>();
        services.AddOptions<SystemCalls.SystemCallGovernanceOptions>().Validate(
            options =>
            {
                options.Validate();
                return true;
            }).ValidateOnStart();
        services.TryAddSingleton<PolicyEngine>();
        services.AddOptions<PolicyReloadOptions>();
        services.TryAddSingleton<PolicyStore>();
        services.TryAddSingleton<PolicyReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyReloader>());
        services.TryAddSingleton<Risks.RiskRegistry>();
        services.TryAddSingleton<Decisions.DecisionLog>();
        services.AddOptions<Decisions.DecisionLogOptions>().Validate(
            options =>
            {
                options.Validate();
                return true;
            }).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, Decisions.DecisionPruner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Agents.IDecisionSink, Decisions.AgentDecisionSink>());

        // The audit log may be registered after this, or not at all: it is looked up when the service is first used.
        services.TryAddSingleton(static sp => new Compliance.ComplianceService(
            sp.GetRequiredService<Storage.StorageCatalog>(), sp.GetRequiredService<Decisions.DecisionLog>(), sp.GetService<Audit.IAuditLog>()));
        return services;
    }
}
