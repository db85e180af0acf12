using Aos.Reliability;
using Aos.Reliability.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the reliability service of AOS.</summary>
public static class ReliabilityServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DependencyPipelines"/> (which asks the <see cref="DefaultErrorClassifier"/> last), the <see cref="IIdempotencyStore"/> with its
    /// sweeper, the <see cref="LoadShedder"/> and the <see cref="PrincipalRateLimiter"/>, with <see cref="ReliabilityOptions"/> bound from
    /// <c>Aos:Reliability</c> when a configuration is given and validated at start.
    /// </summary>
    /// <remarks>
    /// Every service is added with <c>TryAdd</c>, so one registered before wins. Backends add their own <see cref="IErrorClassifier"/>
    /// with <c>AddSingleton</c>; they are asked before the default. The idempotency store needs the <c>StorageCatalog</c> (<c>AddAosStorage</c>).
    /// Calling this again adds nothing but the configuration binding.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration to bind <see cref="ReliabilityOptions"/> from; <see langword="null"/> to configure them in code.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAosReliability(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ReliabilityOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ReliabilityOptions.SectionName));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReliabilityOptions>, ReliabilityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DependencyPipelines>();
        services.TryAddSingleton<LoadShedder>();
        services.TryAddSingleton<PrincipalRateLimiter>();
        services.TryAddSingleton<IIdempotencyStore, DocumentIdempotencyStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, IdempotencySweeper>());
        return services;
    }
}
