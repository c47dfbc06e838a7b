import Testing
@testable import TrackbotKit
