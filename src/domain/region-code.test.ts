import { describe, expect, it } from 'vitest';
import { countyCodeOf, isInSubtree, isRegionCode, padRegionCode, parentCode, regionLevel, subtreePrefix } from './region-code.ts';

const PROVINCE = '360000000000';
const CITY = '360700000000'; // 赣州市
const COUNTY = '360731000000'; // 于都县
const OTHER_COUNTY = '360732000000'; // 兴国县
const TOWNSHIP = '360731100000'; // 贡江镇
const OTHER_TOWNSHIP = '360731101000';
const VILLAGE_A = '360731100201';
const VILLAGE_B = '360731100202';
const OTHER_COUNTY_VILLAGE = '360732100201';

describe('12-digit region codes', () => {
  it('recognises 12-digit codes only', () => {
    expect(isRegionCode(VILLAGE_A)).toBe(true);
    expect(isRegionCode('360731')).toBe(false);
    expect(isRegionCode('36073110020a')).toBe(false);
  });

  it('pads short codes to 12 digits', () => {
    expect(padRegionCode('36')).toBe(PROVINCE);
    expect(padRegionCode('3607')).toBe(CITY);
    expect(padRegionCode('360731')).toBe(COUNTY);
    expect(padRegionCode(360731100)).toBe(TOWNSHIP);
    expect(padRegionCode(VILLAGE_A)).toBe(VILLAGE_A);
  });

  it('level of each code', () => {
    expect(regionLevel(PROVINCE)).toBe(1);
    expect(regionLevel(CITY)).toBe(2);
    expect(regionLevel(COUNTY)).toBe(3);
    expect(regionLevel(TOWNSHIP)).toBe(4);
    expect(regionLevel(VILLAGE_A)).toBe(5);
    expect(regionLevel('360731100001')).toBe(5);
  });

  it('subtree prefix', () => {
    expect(subtreePrefix(PROVINCE)).toBe('36');
    expect(subtreePrefix(CITY)).toBe('3607');
    expect(subtreePrefix(COUNTY)).toBe('360731');
    expect(subtreePrefix(TOWNSHIP)).toBe('360731100');
    expect(subtreePrefix(VILLAGE_A)).toBe(VILLAGE_A);
  });

  it('subtree membership: own node, descendants, not siblings or the other county', () => {
    expect(isInSubtree(VILLAGE_A, VILLAGE_A)).toBe(true);
    expect(isInSubtree(VILLAGE_A, VILLAGE_B)).toBe(false); // sibling village
    expect(isInSubtree(VILLAGE_A, TOWNSHIP)).toBe(false); // an ancestor is not in the subtree
    expect(isInSubtree(TOWNSHIP, VILLAGE_A)).toBe(true);
    expect(isInSubtree(TOWNSHIP, VILLAGE_B)).toBe(true);
    expect(isInSubtree(TOWNSHIP, `${OTHER_TOWNSHIP.slice(0, 9)}201`)).toBe(false);
    expect(isInSubtree(COUNTY, VILLAGE_A)).toBe(true);
    expect(isInSubtree(COUNTY, OTHER_COUNTY_VILLAGE)).toBe(false); // other county
    expect(isInSubtree(COUNTY, OTHER_COUNTY)).toBe(false);
    expect(isInSubtree(CITY, OTHER_COUNTY_VILLAGE)).toBe(true);
    expect(isInSubtree(PROVINCE, OTHER_COUNTY_VILLAGE)).toBe(true);
    expect(isInSubtree(PROVINCE, '430000000000')).toBe(false);
    // a prefix of digits is not enough: county 360731 is not inside county 36073 (no such node) nor 360701
    expect(isInSubtree('360701000000', VILLAGE_A)).toBe(false);
  });

  it('parent code walks village → township → county → city → province → none', () => {
    expect(parentCode(VILLAGE_A)).toBe(TOWNSHIP);
    expect(parentCode(TOWNSHIP)).toBe(COUNTY);
    expect(parentCode(COUNTY)).toBe(CITY);
    expect(parentCode(CITY)).toBe(PROVINCE);
    expect(parentCode(PROVINCE)).toBeNull();
  });

  it('county code of county-level nodes and below only', () => {
    expect(countyCodeOf(VILLAGE_A)).toBe('360731');
    expect(countyCodeOf(COUNTY)).toBe('360731');
    expect(countyCodeOf(CITY)).toBeNull();
  });
});
