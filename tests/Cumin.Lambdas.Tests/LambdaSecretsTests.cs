using System.Net;
using System.Text;
using Cumin.Lambdas.Hosting;
using Cumin.Testing;
using Microsoft.Extensions.Configuration;

namespace Cumin.Lambdas.Tests;

/// <summary>
/// Issue 12, finding 16: a function's connection string comes from Secrets Manager at start, through the Parameters and
/// Secrets Lambda Extension's local HTTP endpoint (stood in for here by a listener that answers as the extension does).
/// </summary>
public sealed class LambdaSecretsTests
{
    [Fact]
    public async Task The_secret_named_in_configuration_becomes_the_connection_string_and_the_session_token_goes_with_the_request()
    {
        var port = FreePort.Next();
        using var extension = new HttpListener();
        extension.Prefixes.Add($"http://127.0.0.1:{port}/");
        extension.Start();
        string? askedFor = null;
        string? token = null;
        var serving = Task.Run(async () =>
        {
            var context = await extension.GetContextAsync();
            askedFor = context.Request.QueryString["secretId"];
            token = context.Request.Headers["X-Aws-Parameters-Secrets-Token"];
            var body = Encoding.UTF8.GetBytes("""{"ARN":"arn:aws:secretsmanager:eu-west-1:1:secret:db","Name":"db","SecretString":"Host=db;Username=cumin_aggregator;Password=p"}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LambdaSecrets.PostgresConnectionStringKey] = "arn:aws:secretsmanager:eu-west-1:1:secret:db" })
            .AddLambdaSecrets(new Uri($"http://127.0.0.1:{port}"))
            .Build();
        await serving;

        Assert.Equal("Host=db;Username=cumin_aggregator;Password=p", configuration.GetConnectionString("Postgres"));
        Assert.Equal("arn:aws:secretsmanager:eu-west-1:1:secret:db", askedFor);
        Assert.NotNull(token);
    }

    [Fact]
    public void Without_a_secret_named_nothing_is_asked_for_and_a_given_connection_string_stays()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=local" })
            .AddLambdaSecrets(new Uri("http://127.0.0.1:1"))
            .Build();
        Assert.Equal("Host=local", configuration.GetConnectionString("Postgres"));
    }

    [Fact]
    public void A_secret_that_cannot_be_read_fails_the_start_rather_than_run_without_a_database()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [LambdaSecrets.PostgresConnectionStringKey] = "missing" });
        Assert.ThrowsAny<Exception>(() => builder.AddLambdaSecrets(new Uri($"http://127.0.0.1:{FreePort.Next()}")));
    }
}
