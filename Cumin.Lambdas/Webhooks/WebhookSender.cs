using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cumin.Webhooks;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Webhooks;

/// <summary>What one attempt came to: the receiver's status (null when it never answered), whether it delivered, why not.</summary>
public sealed record DeliveryAttempt(int? Status, bool Ok, TimeSpan Duration, string? Error);

/// <summary>
/// POSTs one delivery, signed (API.md: <c>Cumin-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>),
/// within <see cref="WebhookOptions.Timeout"/>. Names are resolved here and every address is checked before it is
/// connected to (<see cref="WebhookTargets.IsForbidden"/>), and the connection is made to the address that was
/// checked, so a name that resolved to a public address when the webhook was made and to a private one now (DNS
/// rebinding) reaches nothing. No proxy (it would connect for us), no redirects (a 3xx is not delivered).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string UserAgent = "Cumin-Webhooks/1";

    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        var allowPrivate = _options.AllowPrivateTargets;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Signature(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public async Task<DeliveryAttempt> SendAsync(WebhookDefinition webhook, string secret, WebhookDeliveryMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(message);
        var started = Stopwatch.GetTimestamp();
        if (WebhookTargets.CheckUrl(webhook.Url, _options.AllowHttp, out var uri) is { } badUrl)
        {
            return new DeliveryAttempt(null, false, TimeSpan.Zero, $"refused: {badUrl}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cumin-Event", message.Type);
        request.Headers.Add("Cumin-Delivery", message.EventId);
        request.Headers.Add("Cumin-Signature", Signature(secret, _time.GetUtcNow().ToUnixTimeSeconds(), message.Body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var ok = status is >= 200 and < 300;
            return new DeliveryAttempt(status, ok, Stopwatch.GetElapsedTime(started), ok ? null : $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(null, false, Stopwatch.GetElapsedTime(started), $"no answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookTargetRefusedException refused)
        {
            return new DeliveryAttempt(null, false, Stopwatch.GetElapsedTime(started), $"refused: {refused.Message}");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryAttempt(null, false, Stopwatch.GetElapsedTime(started), $"connection failed: {ex.HttpRequestError}");
        }
    }

    /// <summary>Resolves, drops every address that may not be called, and connects to the first that answers.</summary>
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(a => !WebhookTargets.IsForbidden(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookTargetRefusedException(addresses.Length == 0
                ? $"'{endPoint.Host}' does not resolve"
                : $"'{endPoint.Host}' is or resolves to {addresses[0]}, a loopback, private, link-local or metadata address");
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The address a delivery would connect to is one that may not be called.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
