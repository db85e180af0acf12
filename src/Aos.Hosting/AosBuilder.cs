using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Hosting;

internal sealed class AosBuilder(IServiceCollection services, IConfiguration configuration) : IAosBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;
}
