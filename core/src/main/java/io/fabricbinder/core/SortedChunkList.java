package io.fabricbinder.core;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * An immutable sorted list with cheap updates by structural sharing: {@link #with} and {@link
 * #without} return a new list that shares every chunk but the one changed.
 *
 * <p>The elements sit in chunks of at most {@value #MAX_CHUNK}; an update copies the chunk it
 * touches and the array of chunk references (about n / 32 of them), so it costs O(sqrt-ish n)
 * reference copies instead of O(n), and a list handed out earlier never changes. This is what lets
 * the incremental planner produce a full {@link Plan} per pod event without copying the 23,000 port
 * bindings of a large cluster. The order among elements that compare equal is unspecified (the
 * planner's orders are total on the lists it keeps). Immutable and thread-safe.
 */
final class SortedChunkList<T> extends AbstractList<T> implements RandomAccess {

    static final int MAX_CHUNK = 64;

    private final Comparator<? super T> order;
    private final Object[][] chunks;
    /** ends[i]: number of elements in chunks 0..i. */
    private final int[] ends;

    private SortedChunkList(Comparator<? super T> order, Object[][] chunks, int[] ends) {
        this.order = order;
        this.chunks = chunks;
        this.ends = ends;
    }

    /** A list of these elements, sorted (stably) by {@code order}. */
    static <T> SortedChunkList<T> of(List<? extends T> elements, Comparator<? super T> order) {
        Object[] all = elements.toArray();
        @SuppressWarnings("unchecked")
        Comparator<Object> cmp = (Comparator<Object>) order;
        Arrays.sort(all, cmp);
        int half = MAX_CHUNK / 2;
        int n = (all.length + half - 1) / half;
        Object[][] chunks = new Object[n][];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            int from = i * half;
            int to = Math.min(all.length, from + half);
            chunks[i] = Arrays.copyOfRange(all, from, to);
            ends[i] = to;
        }
        return new SortedChunkList<>(order, chunks, ends);
    }

    @Override
    public int size() {
        return ends.length == 0 ? 0 : ends[ends.length - 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index);
        }
        int c = chunkOfIndex(index);
        int start = c == 0 ? 0 : ends[c - 1];
        return (T) chunks[c][index - start];
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            int chunk;
            int pos;

            @Override
            public boolean hasNext() {
                while (chunk < chunks.length && pos >= chunks[chunk].length) {
                    chunk++;
                    pos = 0;
                }
                return chunk < chunks.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return (T) chunks[chunk][pos++];
            }
        };
    }

    /** This list plus {@code element}. */
    SortedChunkList<T> with(T element) {
        if (chunks.length == 0) {
            return new SortedChunkList<>(order, new Object[][] {{element}}, new int[] {1});
        }
        int c = chunkFor(element);
        Object[] old = chunks[c];
        int at = upperBound(old, element);
        Object[] grown = new Object[old.length + 1];
        System.arraycopy(old, 0, grown, 0, at);
        grown[at] = element;
        System.arraycopy(old, at, grown, at + 1, old.length - at);
        Object[][] nc;
        if (grown.length > MAX_CHUNK) {
            int half = grown.length / 2;
            nc = new Object[chunks.length + 1][];
            System.arraycopy(chunks, 0, nc, 0, c);
            nc[c] = Arrays.copyOfRange(grown, 0, half);
            nc[c + 1] = Arrays.copyOfRange(grown, half, grown.length);
            System.arraycopy(chunks, c + 1, nc, c + 2, chunks.length - c - 1);
        } else {
            nc = chunks.clone();
            nc[c] = grown;
        }
        return new SortedChunkList<>(order, nc, ends(nc));
    }

    /** This list without one element equal to {@code element}; this list if there is none. */
    SortedChunkList<T> without(T element) {
        if (chunks.length == 0) {
            return this;
        }
        int c = chunkFor(element);
        // Chunks before c end below the element; equal-comparing ones may continue into the next chunks.
        for (int k = c; k < chunks.length; k++) {
            Object[] chunk = chunks[k];
            int found = indexOf(chunk, element);
            if (found >= 0) {
                return removeAt(k, found);
            }
            if (chunk.length > 0 && compare(chunk[chunk.length - 1], element) > 0) {
                break;
            }
        }
        return this;
    }

    private SortedChunkList<T> removeAt(int c, int index) {
        Object[] old = chunks[c];
        Object[][] nc;
        if (old.length == 1) {
            nc = new Object[chunks.length - 1][];
            System.arraycopy(chunks, 0, nc, 0, c);
            System.arraycopy(chunks, c + 1, nc, c, chunks.length - c - 1);
        } else {
            Object[] shrunk = new Object[old.length - 1];
            System.arraycopy(old, 0, shrunk, 0, index);
            System.arraycopy(old, index + 1, shrunk, index, old.length - index - 1);
            nc = chunks.clone();
            nc[c] = shrunk;
        }
        return new SortedChunkList<>(order, nc, ends(nc));
    }

    private int indexOf(Object[] chunk, T element) {
        for (int i = lowerBound(chunk, element); i < chunk.length && compare(chunk[i], element) == 0; i++) {
            if (chunk[i].equals(element)) {
                return i;
            }
        }
        return -1;
    }

    /** The chunk an element belongs in: the first whose last element is not less than it, else the last. */
    private int chunkFor(T element) {
        int lo = 0;
        int hi = chunks.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Object[] chunk = chunks[mid];
            if (compare(chunk[chunk.length - 1], element) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int chunkOfIndex(int index) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= index) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int lowerBound(Object[] chunk, T element) {
        int lo = 0;
        int hi = chunk.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(chunk[mid], element) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int upperBound(Object[] chunk, T element) {
        int lo = 0;
        int hi = chunk.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(chunk[mid], element) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @SuppressWarnings("unchecked")
    private int compare(Object a, T b) {
        return order.compare((T) a, b);
    }

    private static int[] ends(Object[][] chunks) {
        int[] e = new int[chunks.length];
        int sum = 0;
        for (int i = 0; i < chunks.length; i++) {
            sum += chunks[i].length;
            e[i] = sum;
        }
        return e;
    }
}
