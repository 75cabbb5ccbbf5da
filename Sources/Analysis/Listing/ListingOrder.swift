/// Where a connection comes in the listing: by first frame, then last frame (no two connections share a first
/// frame). `index` is its entry's place in the builder.
struct ListingOrder: Comparable {
    var firstFrame: Int
    var lastFrame: Int
    var index: Int

    init(_ firstFrame: Int, _ lastFrame: Int, index: Int) {
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.index = index
    }

    init(_ entry: ConnectionList.Entry, index: Int) {
        self.init(entry.firstFrame, entry.lastFrame, index: index)
    }

    static func < (a: Self, b: Self) -> Bool { (a.firstFrame, a.lastFrame) < (b.firstFrame, b.lastFrame) }
    static func == (a: Self, b: Self) -> Bool { (a.firstFrame, a.lastFrame) == (b.firstFrame, b.lastFrame) }
}

/// A binary max-heap of the kept entries' places: the latest-starting one is `top`.
struct LatestKept {
    private var heap: [ListingOrder]

    init(_ orders: [ListingOrder]) {
        heap = orders
        for start in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: start) }
    }

    var count: Int { heap.count }
    var top: ListingOrder? { heap.first }

    /// Puts `order` in the top's place.
    mutating func replaceTop(_ order: ListingOrder) {
        guard !heap.isEmpty else { return }
        heap[0] = order
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < heap.count, heap[largest] < heap[left] { largest = left }
            if right < heap.count, heap[largest] < heap[right] { largest = right }
            guard largest != parent else { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
