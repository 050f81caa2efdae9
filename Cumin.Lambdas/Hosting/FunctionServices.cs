using Cumin.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

/// <summary>
/// How every function gets its services, in AWS and in the local runner alike. Each function has one registration
/// (<c>AddAggregator</c>, <c>AddExporter</c>): the runner's host calls it with its own configuration, and the function's
/// parameterless constructor, which the Lambda runtime calls, builds the same services through
/// <see cref="FromEnvironment"/>.
/// </summary>
public static class FunctionServices
{
    /// <summary>
    /// The services <paramref name="register"/> adds, as the Lambda runtime runs them: configuration from environment
    /// variables (then whatever <paramref name="configure"/> adds, such as <see cref="LambdaSecrets"/>), logs as JSON
    /// lines on stdout (CloudWatch), options validated at once as a host's <c>ValidateOnStart</c> would. The provider
    /// lives as long as the execution environment, as the function does.
    /// </summary>
    public static IServiceProvider FromEnvironment(
        Action<IServiceCollection, IConfiguration> register,
        Func<IConfigurationBuilder, IConfigurationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(register);
        // Before the function's AWS clients are built, which is before its first invocation starts its telemetry.
        AwsSdkTracing.Install();
        IConfigurationBuilder builder = new ConfigurationBuilder().AddEnvironmentVariables();
        var configuration = (configure?.Invoke(builder) ?? builder).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddJsonConsole());
        register(services, configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        provider.GetService<IStartupValidator>()?.Validate();
        return provider;
    }
}
