using System.Text.Json;
using Cumin.Webhooks;
using Microsoft.Extensions.Configuration;

namespace Cumin.Lambdas.Hosting;

/// <summary>
/// Secrets read once, as a function starts, from Secrets Manager, so none sits in the function's environment (which
/// anyone allowed to read the function's configuration can see). Configuration key <c>Cumin:Secrets:PostgresConnectionString</c>
/// names the secret (its ARN) whose value becomes <c>ConnectionStrings:Postgres</c>. The secret comes through AWS's
/// Parameters and Secrets Lambda Extension (a layer serving <c>localhost:2773</c> with the function's own credentials),
/// which needs no SDK client and caches the value for the execution environment.
/// </summary>
public static class LambdaSecrets
{
    public const string PostgresConnectionStringKey = "Cumin:Secrets:PostgresConnectionString";

    /// <summary>Names the secret whose value becomes <c>Cumin:Webhooks:SecretKey</c> (the webhook deliverer).</summary>
    public const string WebhookSecretKeyKey = "Cumin:Secrets:WebhookSecretKey";

    private static readonly (string Secret, string Target)[] Secrets =
    [
        (PostgresConnectionStringKey, "ConnectionStrings:Postgres"),
        (WebhookSecretKeyKey, AesGcmSecretProtector.KeyConfigurationKey),
    ];

    /// <summary>Adds the secrets named by the configuration built so far; nothing when none is named (local runs).</summary>
    public static IConfigurationBuilder AddLambdaSecrets(this IConfigurationBuilder builder, Uri? extension = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Build();
        var values = new Dictionary<string, string?>();
        foreach (var (secret, target) in Secrets)
        {
            if (configuration[secret] is { Length: > 0 } secretId)
            {
                values[target] = ReadSecretAsync(secretId, extension ?? DefaultExtension()).GetAwaiter().GetResult();
            }
        }

        return values.Count == 0 ? builder : builder.AddInMemoryCollection(values);
    }

    /// <summary>GetSecretValue through the extension: the function's role needs <c>secretsmanager:GetSecretValue</c> on it.</summary>
    [AwsAction("secretsmanager:GetSecretValue", ResourceVariable = "Cumin__Secrets__PostgresConnectionString")]
    internal static async Task<string> ReadSecretAsync(string secretId, Uri extension)
    {
        using var http = new HttpClient { BaseAddress = extension, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/secretsmanager/get?secretId={Uri.EscapeDataString(secretId)}");
        // The extension only answers callers that show the execution environment's session token.
        request.Headers.Add("X-Aws-Parameters-Secrets-Token", Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN") ?? "");
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Secret {secretId} could not be read from the Parameters and Secrets extension ({(int)response.StatusCode}).");
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return document.RootElement.GetProperty("SecretString").GetString()
            ?? throw new InvalidOperationException($"Secret {secretId} has no SecretString.");
    }

    private static Uri DefaultExtension() =>
        new($"http://localhost:{Environment.GetEnvironmentVariable("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT") ?? "2773"}");
}
