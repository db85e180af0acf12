using Aos.SystemCalls;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.SystemCalls;

/// <summary>Adds the kernel's stages to a system-call pipeline.</summary>
public static class SystemCallPipelineBuilderExtensions
{
    /// <summary>Adds the stage that refuses calls their caller may not make (<see cref="AuthorizingSystemCallInvoker"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static SystemCallPipelineBuilder UseAuthorization(this SystemCallPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new AuthorizingSystemCallInvoker(inner));
    }

    /// <summary>Adds the stage that traces and counts calls (<see cref="TelemetrySystemCallInvoker"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static SystemCallPipelineBuilder UseTelemetry(this SystemCallPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new TelemetrySystemCallInvoker(inner, services.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
