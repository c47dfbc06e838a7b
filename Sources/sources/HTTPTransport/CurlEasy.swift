import CCurl
import Foundation
import TrackbotCore

/// Receives body bytes as they arrive (on the transfer's thread); throwing aborts the transfer.
public typealias BodySink = (UnsafeRawBufferPointer) throws -> Void

/// One libcurl easy handle. It keeps its own connection cache, so reusing it for the same host
/// reuses the connection; it is used by one thread at a time (the pool guarantees it).
final class CurlEasy: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init?() {
        guard let h = curl_easy_init() else { return nil }
        handle = h
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// The outcome of one hop (no redirect following here).
    struct Hop {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var redirectURL: String?
        var effectiveURL: String
        var newConnections: Int
    }

    /// Performs one request hop. The body of a 2xx response goes to `sink` when given; otherwise
    /// (and for every other status) it is collected up to `request.bodyLimit`.
    func perform(
        _ request: HTTPRequest, url: String, headers: HTTPHeaders, share: UnsafeMutablePointer<trackbot_curl_share>?,
        sink: BodySink?, cancel: CancelFlag
    ) throws -> Hop {
        if cancel.isSet { throw CancellationError() }
        curl_easy_reset(handle)
        let state = TransferState(limit: request.bodyLimit, sink: sink, cancel: cancel)
        errorBuffer.initialize(to: 0)

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for field in headers { list = curl_slist_append(list, "\(field.name): \(field.value)") }
        // No `Expect: 100-continue` round trip for small bodies.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }

        func set(_ o: CURLoption, _ v: Int) { _ = trackbot_curl_setopt_long(handle, o, v) }
        set(CURLOPT_NOSIGNAL, 1)
        _ = trackbot_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = trackbot_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        if let share { _ = trackbot_curl_setopt_share(handle, share.pointee.share) }
        set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        set(CURLOPT_TIMEOUT_MS, Int(request.totalTimeout * 1000))
        // Each easy handle has its own connection cache (the share handle holds no connections)
        // and curl_easy_reset clears these two, so they apply to this request only.
        if request.freshConnection {
            set(CURLOPT_FRESH_CONNECT, 1)
            set(CURLOPT_FORBID_REUSE, 1)
        }
        _ = trackbot_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = trackbot_curl_setopt_string(handle, CURLOPT_USERAGENT, "trackbot/1 libcurl")
        _ = trackbot_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        switch request.method {
        case .head: set(CURLOPT_NOBODY, 1)
        case .get: set(CURLOPT_HTTPGET, 1)
        default: _ = trackbot_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            _ = trackbot_curl_setopt_offt(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBufferPointer {
                _ = trackbot_curl_setopt_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
            }
        }

        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        _ = trackbot_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        _ = trackbot_curl_setopt_header_callback(handle, curlHeaderCallback)
        _ = trackbot_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = trackbot_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        // The progress callback is how a cancelled task stops a transfer (libcurl calls it at
        // least once a second, also while waiting).
        set(CURLOPT_NOPROGRESS, 0)
        _ = trackbot_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, unmanaged.toOpaque())
        _ = trackbot_curl_setopt_xferinfo_callback(handle, curlProgressCallback)

        let code = curl_easy_perform(handle)
        let shown = displayURL(url, request.secrets)
        if let sinkError = state.sinkError { throw sinkError }
        // A cancelled task never gets a response, even when the transfer finished before the
        // progress callback saw the flag (a loaded machine can delay that callback).
        if cancel.isSet { throw CancellationError() }
        if state.overLimit {
            throw HTTPError.bodyTooLarge(method: request.method.rawValue, url: shown, limit: request.bodyLimit)
        }
        if code != CURLE_OK {
            if code == CURLE_OPERATION_TIMEDOUT {
                throw HTTPError.timedOut(method: request.method.rawValue, url: shown, seconds: request.totalTimeout)
            }
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            throw HTTPError.transport(
                method: request.method.rawValue, url: shown, code: Int(code.rawValue),
                message: Redaction.scrub(message, secrets: request.secrets))
        }
        var status = 0
        _ = trackbot_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var redirect: UnsafeMutablePointer<CChar>? = nil
        _ = trackbot_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirect)
        var connects = 0
        _ = trackbot_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var effective: UnsafeMutablePointer<CChar>? = nil
        _ = trackbot_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        return Hop(
            status: status, headers: state.headers, body: state.collected,
            redirectURL: redirect.map { String(cString: $0) },
            effectiveURL: effective.map { String(cString: $0) } ?? url, newConnections: connects)
    }
}

/// Per-transfer state the C callbacks write into.
final class TransferState {
    var headers = HTTPHeaders()
    var status = 0
    var collected: [UInt8] = []
    var received = 0
    let limit: Int
    let sink: BodySink?
    let cancel: CancelFlag
    var overLimit = false
    var sinkError: (any Error)?

    init(limit: Int, sink: BodySink?, cancel: CancelFlag) {
        self.limit = limit
        self.sink = sink
        self.cancel = cancel
    }

    /// Header lines arrive one at a time; a status line starts a new response (after a 100 or a
    /// proxy's CONNECT answer), so the fields collected so far are dropped.
    func header(_ line: String) {
        let trimmed = line.trimmingTrailingNewline()
        if trimmed.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.add(name, String(value))
    }

    /// Returns false to abort the transfer.
    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Bodies of redirects are not wanted; bodies of 2xx go to the sink when there is one.
        if (300..<400).contains(status) && headers.contains("Location") { return true }
        if let sink, (200..<300).contains(status) {
            do { try sink(bytes) } catch {
                sinkError = error
                return false
            }
            return true
        }
        received += bytes.count
        if received > limit {
            overLimit = true
            return false
        }
        collected.append(contentsOf: bytes)
        return true
    }
}

private extension String {
    func trimmingTrailingNewline() -> Substring {
        var s = self[...]
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s = s.dropLast() }
        return s
    }
}

private let curlHeaderCallback: trackbot_curl_header_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    state.header(line)
    return length
}

private let curlProgressCallback: trackbot_curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    return Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue().cancel.isSet ? 1 : 0
}

/// Set when the task waiting for a transfer is cancelled; read by the transfer's thread.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

private let curlWriteCallback: trackbot_curl_data_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    guard let buffer else { return length }
    return state.body(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}
