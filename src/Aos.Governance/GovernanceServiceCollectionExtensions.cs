using Aos.Governance.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aos.Governance;

/// <summary>Registers the governance services.</summary>
public static class GovernanceServiceCollectionExtensions
{
    /// <summary>Adds the governance services: each part registers itself here as it lands.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddAosGovernance(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PolicyEngineOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyEngine>();
        return services;
    }
}
