import Testing
@testable import OfficialImages
