using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Hosting;

/// <summary>Configures AOS in a host: add agent types and replace services.</summary>
public interface IAosBuilder
{
    /// <summary>Gets the host's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the host's configuration.</summary>
    IConfiguration Configuration { get; }
}
