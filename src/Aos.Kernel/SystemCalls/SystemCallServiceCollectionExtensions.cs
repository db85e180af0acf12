using Aos.SystemCalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aos.Kernel.SystemCalls;

/// <summary>Registers the system-call pipeline every boundary crossing passes.</summary>
public static class SystemCallServiceCollectionExtensions
{
    /// <summary>Registers the system-call pipeline as the <see cref="ISystemCallInvoker"/>, replacing any registered before.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adds the stages, outermost first, e.g. <c>p =&gt; p.UseTelemetry().UseAudit().UseAuthorization().UsePolicy()</c>.</param>
    /// <returns>The same services, for chaining.</returns>
    /// <remarks>Without a call to this method the kernel's default pipeline traces calls and checks agents' grants, and nothing more.</remarks>
    public static IServiceCollection AddAosSystemCalls(this IServiceCollection services, Action<SystemCallPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new SystemCallPipelineBuilder();
        configure(builder);
        services.Replace(ServiceDescriptor.Singleton(builder.Build));
        return services;
    }

    /// <summary>Registers the kernel's default pipeline (telemetry and authorization) unless a pipeline is registered.</summary>
    internal static IServiceCollection TryAddDefaultSystemCalls(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new SystemCallPipelineBuilder().UseTelemetry().UseAuthorization().Build(sp));
        return services;
    }
}
