using Amazon.DynamoDBv2;
using Amazon.SQS;
using Cumin.Lambdas.Webhooks;
using Cumin.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Hosting;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="WebhookEventFunction"/> and what it needs: options from <c>Cumin:Webhooks</c> (the queue), table names
    /// from <c>Cumin:Tables</c>. Its Lambda entry point and the local runner both use this registration.
    /// </summary>
    public static IServiceCollection AddWebhookEvents(this IServiceCollection services, IConfiguration configuration)
    {
        AddWebhookCommon(services, configuration);
        services.TryAddSingleton<WebhookEventFunction>();
        return services;
    }

    /// <summary>
    /// <see cref="WebhookDeliveryFunction"/> and what it needs: the database (the deliveries log), the secrets' key
    /// (<c>Cumin:Webhooks:SecretKey</c>), the URL rules, retry schedule and timeout from <c>Cumin:Webhooks</c>.
    /// </summary>
    public static IServiceCollection AddWebhookDeliverer(this IServiceCollection services, IConfiguration configuration)
    {
        AddWebhookCommon(services, configuration);
        services.AddLambdasDatabase(configuration);
        services.TryAddSingleton<ISecretProtector>(_ => new AesGcmSecretProtector(configuration[AesGcmSecretProtector.KeyConfigurationKey]));
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<WebhookDeliveryLog>();
        services.TryAddSingleton<WebhookDeliveryFunction>();
        return services;
    }

    private static void AddWebhookCommon(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TableOptions>().Bind(configuration.GetSection(TableOptions.Section));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddFunctionAwsClients();
        services.TryAddSingleton(sp => new WebhookTable(
            sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<IOptions<TableOptions>>().Value.NameOf(TableNames.Webhooks)));
        services.TryAddSingleton<WebhookOutbox>();
    }
}

/// <summary>The schedule's waits are positive, the timeout and the concurrency sensible.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RetrySchedule.Any(wait => wait <= TimeSpan.Zero))
        {
            failures.Add($"{WebhookOptions.SectionName}:RetrySchedule must list positive waits.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{WebhookOptions.SectionName}:Timeout must be positive and at most a minute.");
        }

        if (options.Concurrency is < 1 or > 100 || options.FailuresBeforeInactive < 1)
        {
            failures.Add($"{WebhookOptions.SectionName}:Concurrency must be 1..100 and FailuresBeforeInactive at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add($"{WebhookOptions.SectionName}:QueueName must be set.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
