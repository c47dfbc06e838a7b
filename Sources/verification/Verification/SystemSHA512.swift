import Foundation
import TrackbotCore

#if canImport(Glibc)
import Glibc
#endif

/// SHA-512 through the system's OpenSSL libcrypto, loaded at run time (libcurl already loads it in
/// trackbot). Measured here, its AVX2 code path hashes twice as fast as BoringSSL's AVX one in
/// swift-crypto, which is what coreutils' `sha512sum` is to beat. Absent libcrypto, callers fall
/// back to `StreamingHasher`.
final class SystemSHA512 {
    private struct API: @unchecked Sendable {
        typealias New = @convention(c) () -> OpaquePointer?
        typealias Free = @convention(c) (OpaquePointer?) -> Void
        typealias MD = @convention(c) () -> OpaquePointer?
        typealias Init = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
        typealias Update = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
        typealias Final =
            @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?) -> Int32
        let new: New, free: Free, sha512: MD, initialize: Init, update: Update, final: Final
    }

    private static let api: API? = {
        if ProcessInfo.processInfo.environment["TRACKBOT_NO_LIBCRYPTO"] == "1" { return nil }
        guard let handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let new = symbol("EVP_MD_CTX_new", API.New.self),
            let free = symbol("EVP_MD_CTX_free", API.Free.self),
            let sha512 = symbol("EVP_sha512", API.MD.self),
            let initialize = symbol("EVP_DigestInit_ex", API.Init.self),
            let update = symbol("EVP_DigestUpdate", API.Update.self),
            let final = symbol("EVP_DigestFinal_ex", API.Final.self)
        else { return nil }
        return API(new: new, free: free, sha512: sha512, initialize: initialize, update: update, final: final)
    }()

    /// Whether libcrypto could be loaded.
    static var isAvailable: Bool { api != nil }

    private let api: API
    private let context: OpaquePointer

    /// nil when libcrypto is not available (or refuses to start a digest).
    init?() {
        guard let api = Self.api, let context = api.new() else { return nil }
        guard api.initialize(context, api.sha512(), nil) == 1 else {
            api.free(context)
            return nil
        }
        self.api = api
        self.context = context
    }

    deinit { api.free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        _ = api.update(context, bytes.baseAddress, bytes.count)
    }

    func finalize() -> Digest {
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        _ = api.final(context, &out, &length)
        // 64 bytes give 128 hex digits, always a well-formed sha512.
        return try! Digest(algorithm: .sha512, hex: out.hexString)
    }
}

/// One hash of `ArtefactHasher`: sha512 through libcrypto when possible, else swift-crypto.
enum ArtefactHash {
    case portable(StreamingHasher)
    case system(SystemSHA512)

    init(_ algorithm: Digest.Algorithm) {
        if algorithm == .sha512, let system = SystemSHA512() {
            self = .system(system)
        } else {
            self = .portable(StreamingHasher(algorithm))
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .system(let s): s.update(bytes)
        case .portable(var h):
            h.update(bytes)
            self = .portable(h)
        }
    }

    func finalize() -> Digest {
        switch self {
        case .system(let s): return s.finalize()
        case .portable(let h): return h.finalize()
        }
    }
}
